/// The demo shop's catalogue: a gift, homeware and apparel store with eight categories.
struct DemoProductTemplate: Sendable {
    enum Options: Sendable {
        case single
        case colors([String])
        /// Size names with a price multiplier.
        case sizes([(String, Double)])
        case colorsAndSizes([String], [String])
    }

    let title: String
    /// Base price in US cents.
    let price: Int
    let options: Options
    /// Typical days between re-purchases for consumables; nil for durable goods.
    let replenishDays: Int?

    init(_ title: String, _ price: Int, _ options: Options = .single, replenish: Int? = nil) {
        self.title = title
        self.price = price
        self.options = options
        self.replenishDays = replenish
    }
}

struct DemoCategory: Sendable {
    let name: String
    let skuPrefix: String
    let vendors: [String]
    let blurbs: [String]
    let searchTerms: [String]
    let products: [DemoProductTemplate]
}

enum DemoCatalog {
    typealias P = DemoProductTemplate

    static let categories: [DemoCategory] = [kitchen, coffee, candles, bath, apparel, stationery, decor, plants]

    /// Category pairs often bought together (indices into `categories`).
    static let relatedCategories: [[Int]] = [[1, 6], [0, 5], [3, 6], [2, 6], [5, 3], [1, 4], [2, 7], [6, 0]]

    /// Searches that are not about one product.
    static let genericSearches = [
        "gift for mom", "christmas gift", "housewarming gift", "gift set", "sale", "new arrivals", "teacher gift",
        "birthday present", "eco friendly", "under 30", "best sellers", "stocking stuffer", "mothers day",
        "gift card", "personalized",
    ]

    static let sizesApparel = ["XS", "S", "M", "L", "XL"]
    static let sizesTops = ["S", "M", "L", "XL"]

    static let kitchen = DemoCategory(
        name: "Kitchen", skuPrefix: "KIT", vendors: ["Hearth & Co", "Oakhaven"],
        blurbs: [
            "Made to be used every day and handed down.", "Dishwasher safe and built to last.",
            "Small-batch and finished by hand.",
        ],
        searchTerms: ["cutting board", "dutch oven", "tea towel", "skillet", "kitchen"],
        products: [
            P("Walnut Serving Board", 58_00, .sizes([("Small", 0.75), ("Large", 1.0)])),
            P("Enamel Dutch Oven", 145_00, .colors(["Cream", "Sage", "Terracotta", "Navy"])),
            P("Linen Tea Towel Set", 24_00, .colors(["Natural", "Charcoal", "Rust"])),
            P("Stoneware Mixing Bowl", 34_00, .colors(["Speckled White", "Slate"])),
            P("Olive Wood Spoon Set", 28_00),
            P("Copper Measuring Cups", 42_00),
            P("Stoneware Butter Dish", 26_00, .colors(["Cream", "Moss"])),
            P("Cast Iron Skillet", 65_00, .sizes([("8 in", 0.8), ("10 in", 1.0), ("12 in", 1.25)])),
            P("Glass Storage Jar Set", 38_00),
            P("Marble Mortar and Pestle", 48_00, .colors(["White", "Green"])),
            P("Chef's Apron", 36_00, .colors(["Denim", "Olive", "Black"])),
            P("Beeswax Food Wraps", 18_00, replenish: 120),
            P("Dish Soap Refill", 12_00, .sizes([("500 ml", 1.0), ("1 L", 1.7)]), replenish: 45),
            P("Bamboo Utensil Holder", 22_00),
            P("Herb Keeper", 32_00),
        ])

    static let coffee = DemoCategory(
        name: "Coffee & Tea", skuPrefix: "CFT", vendors: ["Roastwell", "Leaf & Kettle"],
        blurbs: [
            "Roasted in small batches and shipped within days.", "For slow mornings and good company.",
            "Sourced directly from the growers.",
        ],
        searchTerms: ["coffee", "coffee beans", "tea", "green tea", "espresso", "kettle"],
        products: [
            P("Ethiopia Yirgacheffe Coffee Beans", 19_00, .sizes([("250 g", 1.0), ("1 kg", 3.2)]), replenish: 28),
            P("House Espresso Blend", 17_00, .sizes([("250 g", 1.0), ("1 kg", 3.2)]), replenish: 28),
            P("Colombia Decaf Coffee Beans", 18_00, .sizes([("250 g", 1.0), ("1 kg", 3.2)]), replenish: 35),
            P("Earl Grey Loose Leaf Tea", 14_00, .sizes([("100 g", 1.0), ("250 g", 2.2)]), replenish: 45),
            P("Sencha Green Tea", 16_00, .sizes([("100 g", 1.0), ("250 g", 2.2)]), replenish: 45),
            P("Chamomile Herbal Tea", 12_00, replenish: 50),
            P("Chai Spice Blend", 13_00, replenish: 40),
            P("Pour-Over Coffee Dripper", 32_00, .colors(["White", "Black", "Terracotta"])),
            P("Gooseneck Kettle", 89_00, .colors(["Matte Black", "Copper", "Steel"])),
            P("Ceramic Mug", 22_00, .colors(["Oat", "Moss", "Sky", "Charcoal"])),
            P("Glass Teapot with Infuser", 38_00),
            P("Paper Coffee Filters", 8_00, replenish: 60),
            P("Burr Coffee Grinder", 165_00),
            P("Cold Brew Pitcher", 34_00),
            P("Matcha Whisk Set", 29_00),
        ])

    static let candles = DemoCategory(
        name: "Candles", skuPrefix: "CND", vendors: ["Wick & Wonder"],
        blurbs: [
            "Hand-poured soy wax with a cotton wick.", "Burns clean for up to 60 hours.",
            "Poured in our studio in small batches.",
        ],
        searchTerms: ["candle", "soy candle", "scented candle", "diffuser", "candles"],
        products: [
            P("Fig & Cedar Candle", 34_00, .sizes([("8 oz", 1.0), ("14 oz", 1.5)]), replenish: 60),
            P("Sea Salt & Sage Candle", 34_00, .sizes([("8 oz", 1.0), ("14 oz", 1.5)]), replenish: 60),
            P("Amber & Vanilla Candle", 34_00, .sizes([("8 oz", 1.0), ("14 oz", 1.5)]), replenish: 60),
            P("Fresh Linen Candle", 32_00, .sizes([("8 oz", 1.0), ("14 oz", 1.5)]), replenish: 55),
            P("Pine Forest Candle", 34_00, .sizes([("8 oz", 1.0), ("14 oz", 1.5)]), replenish: 70),
            P("Lavender Fields Candle", 30_00, replenish: 60),
            P("Tobacco & Oak Candle", 36_00, replenish: 65),
            P("Three-Wick Grapefruit Candle", 58_00, replenish: 75),
            P("White Tea Reed Diffuser", 42_00, replenish: 90),
            P("Diffuser Refill Oil", 24_00, replenish: 75),
            P("Beeswax Taper Candles", 18_00, .colors(["Natural", "Ivory", "Sage"])),
            P("Brass Candle Snuffer", 24_00),
            P("Wick Trimmer", 19_00, .colors(["Brass", "Black"])),
            P("Safety Matches in Glass Jar", 12_00, replenish: 90),
            P("Ceramic Candle Holder", 26_00, .colors(["Chalk", "Clay"])),
        ])

    static let bath = DemoCategory(
        name: "Bath & Body", skuPrefix: "BTH", vendors: ["Saltmarsh Apothecary"],
        blurbs: [
            "Plant-based, cruelty free and gentle on skin.", "Made with essential oils, never synthetic fragrance.",
            "Refillable packaging to cut down on plastic.",
        ],
        searchTerms: ["soap", "hand soap", "lotion", "bath salts", "towel", "refill"],
        products: [
            P("Lavender Bar Soap", 8_00, replenish: 35),
            P("Oatmeal & Honey Bar Soap", 8_00, replenish: 35),
            P("Citrus & Basil Hand Wash", 18_00, .sizes([("300 ml", 1.0), ("1 L Refill", 2.1)]), replenish: 40),
            P("Hand Soap Refill Pouch", 26_00, replenish: 60),
            P("Neroli Body Lotion", 24_00, replenish: 50),
            P("Eucalyptus Bath Salts", 22_00, replenish: 45),
            P("Shea Body Butter", 26_00, replenish: 60),
            P("Konjac Face Sponge", 9_00, replenish: 60),
            P("Turkish Cotton Bath Towel", 42_00, .colors(["White", "Stone", "Sage", "Navy"])),
            P("Waffle Bathrobe", 88_00, .colorsAndSizes(["White", "Grey"], ["S/M", "L/XL"])),
            P("Bamboo Soap Dish", 12_00),
            P("Dry Body Brush", 18_00),
            P("Lip Balm Trio", 14_00, replenish: 60),
            P("Shower Steamers", 16_00, replenish: 30),
            P("Linen Bath Mat", 36_00, .colors(["Natural", "Charcoal"])),
        ])

    static let apparel = DemoCategory(
        name: "Apparel", skuPrefix: "APP", vendors: ["Fernwood Supply"],
        blurbs: [
            "Cut from organic fibres and made to last.", "A relaxed fit that softens with every wash.",
            "Ethically made in small runs.",
        ],
        searchTerms: ["t shirt", "sweater", "scarf", "socks", "jacket", "tote bag"],
        products: [
            P("Organic Cotton Tee", 32_00, .colorsAndSizes(["White", "Black", "Heather Grey", "Sage"], sizesApparel)),
            P("Merino Crew Sweater", 110_00, .colorsAndSizes(["Oatmeal", "Navy", "Forest"], sizesTops)),
            P("Linen Button-Up Shirt", 78_00, .colorsAndSizes(["White", "Blue Stripe", "Sand"], sizesTops)),
            P(
                "Relaxed Chino Trousers", 84_00,
                .colorsAndSizes(["Khaki", "Navy", "Olive"], ["28", "30", "32", "34", "36"])),
            P("Cashmere Beanie", 48_00, .colors(["Charcoal", "Camel", "Rust"])),
            P("Wool Scarf", 58_00, .colors(["Camel", "Grey Check", "Forest"])),
            P("Everyday Canvas Tote", 28_00, .colors(["Natural", "Black"])),
            P("Cotton Socks 3-Pack", 18_00, .colorsAndSizes(["Oat", "Black"], ["S/M", "L/XL"]), replenish: 150),
            P("Lounge Joggers", 64_00, .colorsAndSizes(["Grey", "Black"], sizesApparel)),
            P("Denim Jacket", 128_00, .sizes([("S", 1.0), ("M", 1.0), ("L", 1.0), ("XL", 1.0)])),
            P("Quilted Vest", 96_00, .colorsAndSizes(["Black", "Olive"], sizesTops)),
            P("Leather Belt", 54_00, .colorsAndSizes(["Brown", "Black"], ["S", "M", "L"])),
            P("Silk Scrunchie Set", 16_00, .colors(["Neutrals", "Jewel Tones"])),
            P("Packable Rain Jacket", 142_00, .colorsAndSizes(["Yellow", "Navy"], sizesTops)),
            P("Cosy Slipper Socks", 24_00, .sizes([("S/M", 1.0), ("L/XL", 1.0)])),
        ])

    static let stationery = DemoCategory(
        name: "Stationery", skuPrefix: "STA", vendors: ["Paper Lantern"],
        blurbs: [
            "Printed on recycled paper with vegetable inks.", "Lays flat and takes fountain pen ink beautifully.",
            "Designed in-house, printed locally.",
        ],
        searchTerms: ["notebook", "journal", "planner", "pen", "cards", "gift wrap"],
        products: [
            P("Linen Hardcover Notebook", 22_00, .colors(["Navy", "Sage", "Blush", "Charcoal"])),
            P("Dot Grid Journal", 18_00, .colors(["Black", "Terracotta"])),
            P("Undated Weekly Planner", 28_00),
            P("Fountain Pen", 56_00, .colors(["Black", "Burgundy", "Teal"])),
            P("Fountain Pen Ink", 16_00, .colors(["Blue-Black", "Sepia", "Forest"]), replenish: 90),
            P("Letterpress Greeting Cards", 24_00),
            P("Kraft Gift Wrap Roll", 12_00, .colors(["Kraft", "Forest", "Red"]), replenish: 120),
            P("Washi Tape Set", 10_00),
            P("Brass Desk Clip", 14_00),
            P("Leather Pen Case", 34_00, .colors(["Tan", "Black"])),
            P("Desk Organizer Tray", 38_00, .colors(["Walnut", "Oak"])),
            P("Sticky Notes Bundle", 9_00, replenish: 60),
            P("Wax Seal Kit", 32_00),
            P("Watercolor Postcard Pad", 15_00),
            P("Monthly Wall Calendar", 22_00),
        ])

    static let decor = DemoCategory(
        name: "Home Decor", skuPrefix: "DEC", vendors: ["Maison Lumen", "Oakhaven"],
        blurbs: [
            "Each piece is slightly different: made by hand.", "Natural materials, quiet colours.",
            "Designed to make a house feel like home.",
        ],
        searchTerms: ["vase", "throw blanket", "cushion", "mirror", "rug", "frame", "basket"],
        products: [
            P("Hand-Thrown Ceramic Vase", 48_00, .colors(["Chalk", "Ink", "Clay"])),
            P("Wool Throw Blanket", 118_00, .colors(["Oat", "Rust", "Grey"])),
            P(
                "Linen Cushion Cover", 38_00,
                .colorsAndSizes(["Flax", "Terracotta", "Sage", "Navy"], ["18 in", "22 in"])),
            P("Round Wall Mirror", 138_00, .sizes([("24 in", 1.0), ("30 in", 1.3)])),
            P("Jute Area Rug", 175_00, .sizes([("3x5 ft", 0.55), ("5x8 ft", 1.0)])),
            P("Brass Picture Frame", 32_00, .sizes([("5x7", 1.0), ("8x10", 1.4)])),
            P("Woven Storage Basket", 44_00, .sizes([("Small", 0.8), ("Medium", 1.0), ("Large", 1.3)])),
            P("Stoneware Table Lamp", 148_00, .colors(["Sand", "Charcoal"])),
            P("Dried Flower Bouquet", 42_00, replenish: 90),
            P("Marble Coasters", 28_00),
            P("Wooden Bead Garland", 22_00),
            P("Macramé Wall Hanging", 56_00),
            P("Linen Table Runner", 34_00, .colors(["Flax", "Charcoal"])),
            P("Rattan Tray", 46_00),
            P("Sandalwood Incense Sticks", 12_00, replenish: 40),
        ])

    static let plants = DemoCategory(
        name: "Plant Care", skuPrefix: "PLT", vendors: ["Little Pine Botanics"],
        blurbs: [
            "Everything your houseplants need to thrive.", "Gentle, organic and pet friendly.",
            "Chosen by our plant team, tested on our own jungle.",
        ],
        searchTerms: ["planter", "plant food", "potting soil", "watering can", "pot", "fertilizer"],
        products: [
            P("Terracotta Planter", 24_00, .sizes([("4 in", 0.6), ("6 in", 1.0), ("8 in", 1.6)])),
            P("Self-Watering Planter", 38_00, .colors(["White", "Sage", "Charcoal"])),
            P("Hanging Planter", 32_00, .colors(["Cream", "Terracotta"])),
            P("Liquid Plant Food", 14_00, .sizes([("250 ml", 1.0), ("1 L", 2.5)]), replenish: 75),
            P("Organic Potting Mix", 16_00, .sizes([("4 qt", 1.0), ("8 qt", 1.7)]), replenish: 120),
            P("Fiddle Leaf Fig Food", 16_00, replenish: 60),
            P("Brass Watering Can", 58_00),
            P("Glass Plant Mister", 24_00, .colors(["Amber", "Clear"])),
            P("Pruning Snips", 28_00),
            P("Coir Moss Pole", 18_00, .sizes([("60 cm", 1.0), ("90 cm", 1.3)])),
            P("Cactus & Succulent Soil", 14_00, replenish: 150),
            P("Neem Leaf Shine Spray", 15_00, replenish: 90),
            P("Propagation Station", 42_00),
            P("Mid-Century Plant Stand", 68_00, .colors(["Walnut", "Black"])),
            P("Slow-Release Fertilizer Spikes", 11_00, replenish: 90),
        ])
}
