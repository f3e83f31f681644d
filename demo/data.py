"""
The demo catalog and the demo user, loaded by `manage.py seed_demo` (which
`make run` calls) and printed by the start-up banner and the README.

Kept free of Django imports: deploy/stack.py reads it before Django is set up.
Each product's picture is static/shop/products/<slug>.svg, drawn for it (a
small hand-written SVG, viewBox 400 x 300, in its category's colours): a new
product needs a drawing of its own, as tests/demo/test_product_pictures.py
checks (no two products may share one, even with a number nudged).
"""

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-shopper-2026"
DEMO_EMAIL = "demo@example.com"

# (category, description), then its products: (name, description, price, stock)
CATALOG = {
    ("Kitchen", "Tools and tableware for everyday cooking."): [
        ("Enamel camp mug", "A 350 ml enamel mug that survives the campfire.", "14.50", 120),
        ("Walnut cutting board", "Oiled walnut, end grain, 30 x 20 cm.", "48.00", 40),
        ("Stoneware bowl set", "Four hand-thrown bowls in a speckled glaze.", "56.00", 25),
        ("Cast iron skillet", "A 26 cm skillet, pre-seasoned, for a lifetime.", "64.00", 30),
        ("Olive wood spoons", "Three spoons carved from one olive branch.", "22.00", 200),
        ("Glass storage jar", "1 litre, with a beech lid and a silicone seal.", "9.50", 150),
        ("Copper kettle", "A 1.5 litre stovetop kettle with a whistle.", "89.00", 0),
    ],
    ("Textiles", "Linen, wool and cotton for the home."): [
        ("Linen tea towel", "Stonewashed linen, 50 x 70 cm.", "12.00", 300),
        ("Wool throw", "Undyed merino, 130 x 170 cm.", "89.00", 15),
        ("Cotton cushion cover", "Block-printed, 45 x 45 cm, with a hidden zip.", "24.00", 80),
        ("Linen napkins", "A set of four, in oat.", "28.00", 60),
        ("Jute doormat", "Hand-woven, 60 x 40 cm.", "19.00", 45),
        ("Waffle bath towel", "Turkish cotton that dries fast.", "34.00", 1),
    ],
    ("Candles & Light", "Warm light for long evenings."): [
        ("Beeswax candle", "Hand-poured, burns for 40 hours.", "18.00", 250),
        ("Brass candle holder", "Solid brass, for dinner candles.", "27.00", 70),
        ("Soy tealights", "A box of 24, unscented.", "8.00", 500),
        ("Paper lantern", "A 40 cm rice-paper shade for a pendant lamp.", "32.00", 20),
        ("Hurricane lamp", "Glass chimney on an iron base.", "41.00", 0),
        ("Match cylinder", "Long matches in a ceramic striker jar.", "11.00", 140),
    ],
    ("Garden", "For the balcony, the windowsill and the plot."): [
        ("Ceramic planter", "Glazed stoneware with a drainage dish.", "26.00", 90),
        ("Watering can", "A 2 litre galvanised can with a long spout.", "38.00", 35),
        ("Herb seed kit", "Basil, thyme, parsley and chives.", "15.00", 400),
        ("Garden twine", "Natural jute on a wooden spool.", "7.50", 600),
        ("Pruning shears", "Carbon steel blades, ash handles.", "45.00", 50),
        ("Bird feeder", "Cedar, with a copper roof.", "36.00", 12),
    ],
    ("Bath", "Small luxuries for the bathroom."): [
        ("Olive oil soap", "A cold-process bar, 120 g.", "6.50", 800),
        ("Sisal bath brush", "With a detachable beech handle.", "17.00", 75),
        ("Bath salts", "Dead Sea salt with lavender, 500 g.", "16.00", 110),
        ("Cotton robe", "Light waffle cotton, one size.", "72.00", 18),
    ],
}


def slugify(name: str) -> str:
    return name.lower().replace("&", "and").replace(" ", "-").replace("--", "-")
