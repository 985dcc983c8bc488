"""Static-site generator for the Qandy Qantar memorial; one module per pipeline stage."""
