"""Colour arithmetic for text on coloured ground: WCAG 2 relative luminance and contrast ratio,
and the ink (white or the page's dark ink) that reads best on a colour. Pure functions.

The SDG tiles of the home page and the style guide take their ink from here: white on the
darker goal colours, dark ink on the lighter ones (7, 11, ...), each at least 4.5:1 (WCAG AA for
text of any size)."""

# The two inks a coloured tile may carry; the same values as --paper and --ink in site.css.
LIGHT_INK = "#ffffff"
DARK_INK = "#1b1f24"
AA_NORMAL = 4.5
AA_LARGE = 3.0


def luminance(colour):
    """The relative luminance (0 black to 1 white) of a colour given as #rrggbb."""

    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour.lstrip("#")[index : index + 2], 16) for index in (0, 2, 4))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_ratio(first, second):
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ink_for(background):
    """ "light" or "dark": the ink with the higher contrast on `background`."""
    light = contrast_ratio(background, LIGHT_INK)
    dark = contrast_ratio(background, DARK_INK)
    return "light" if light >= dark else "dark"


def ink_colour(ink):
    return LIGHT_INK if ink == "light" else DARK_INK
