"""Photos: re-encoded through Pillow so no metadata (EXIF, GPS, camera, ICC) reaches the site.

Each photo is decoded, turned upright, and written fresh as JPEG at a few widths
for phones and screens. Nothing from the original file is copied across.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps

WIDTHS = (320, 640, 960)
FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs long before they fill memory


MAX_SIDE_RATIO = 10  # a photo of a person is not a strip; a 1×100,000 one broke the JPEG encoder


def photo_problem(path: Path) -> str | None:
    """Why a photo file cannot be used, or None. The whole file is decoded, as the build will (a truncated
    file passed a quick look and then stopped the build); a JPEG at an eighth of its size, which reads
    every byte of it in a fraction of the time."""
    try:
        with Image.open(path) as im:
            if im.format not in FORMATS:
                return f"is {im.format or 'not an image'}; use JPEG, PNG or WebP"
            if im.width * im.height > MAX_PIXELS:
                return f"is {im.width}×{im.height} pixels; scale it below {MAX_PIXELS // 1_000_000} megapixels first"
            if max(im.width, im.height) > MAX_SIDE_RATIO * min(im.width, im.height):
                return f"is {im.width}×{im.height} pixels; a photo's longer side may be at most {MAX_SIDE_RATIO} times its shorter: crop it"
            im.draft("RGB", (im.width // 8, im.height // 8))
            im.load()
    except ValueError as exc:  # PngImagePlugin's limits on text chunks (MAX_TEXT_CHUNK, MAX_TEXT_MEMORY): a zTXt bomb
        return f"cannot be read as an image ({exc}); save it again as JPEG"
    except (OSError, Image.DecompressionBombError, SyntaxError) as exc:
        if "truncated" in str(exc):
            return "is cut short (the file is incomplete): copy it again, or save it again as JPEG"
        return f"cannot be read as an image ({exc.__class__.__name__}); use JPEG, PNG or WebP"  # (its text may hold a path)
    return None


def widths_for(width: int) -> list[int]:
    """The output widths for an original this wide: never upscaled."""
    return [w for w in WIDTHS if w <= width] or [width]


def encode(path: Path) -> list[tuple[int, int, bytes]]:
    """(width, height, JPEG bytes) for each output width, with no metadata."""
    out = []
    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im)
        if im.mode != "RGB":
            background = Image.new("RGB", im.size, (255, 255, 255))
            rgba = im.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            im = background
        for w in widths_for(im.width):
            h = max(1, round(im.height * w / im.width))
            resized = im.resize((w, h), Image.Resampling.LANCZOS) if w != im.width else im.copy()
            clean = Image.new("RGB", resized.size)  # a new image carries no info/exif from the original
            clean.paste(resized)
            buf = io.BytesIO()
            clean.save(buf, "JPEG", quality=82, optimize=True, progressive=False)
            out.append((w, h, buf.getvalue()))
    return out
