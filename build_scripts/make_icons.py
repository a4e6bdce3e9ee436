"""Draws the kiosk's application icon (PNG for the window, ICO for the Windows executable).

Run it when the design changes:  .venv/bin/python build_scripts/make_icons.py
The outputs are committed (resources/icons/), so the bundle build needs no drawing step.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZE = 256
BLUE, WHITE, GREEN = (21, 72, 140, 255), (255, 255, 255, 255), (46, 160, 90, 255)


def draw(size: int = SIZE) -> Image.Image:
    """A blue tile with a white invoice sheet and a green tick: billing, done."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = size / 16
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=round(3 * unit), fill=BLUE)
    pen.rectangle((4 * unit, 2.5 * unit, 12 * unit, 13.5 * unit), fill=WHITE)
    for row in range(4):
        top = (4.5 + 1.6 * row) * unit
        pen.rectangle((5.5 * unit, top, (10.5 - row % 2 * 2) * unit, top + 0.6 * unit), fill=BLUE)
    tick = [(6 * unit, 11 * unit), (7.6 * unit, 12.6 * unit), (11 * unit, 9.2 * unit)]
    pen.line(tick, fill=GREEN, width=round(1.1 * unit), joint="curve")
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.save(ICONS / "kiosk.png", optimize=True)
    image.save(ICONS / "kiosk.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (256, 256)])
    for name in ("kiosk.png", "kiosk.ico"):
        print(f"{ICONS / name}: {(ICONS / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
