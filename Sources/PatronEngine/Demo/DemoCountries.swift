/// Where demo customers live: country weights, cities with their time zones and postal-code shapes,
/// phone number shapes, street names and the carriers that deliver there.
struct DemoCity: Sendable {
    let name: String
    let province: String?
    /// `#` is a digit, `@` an upper-case letter, anything else is kept.
    let postalPattern: String
    let timeZone: String
}

struct DemoCountry: Sendable {
    enum AddressStyle: Sendable { case numberFirst, numberLast, japanese }

    let code: String
    let weight: Double
    let cultures: [(DemoNames.Culture, Double)]
    let cities: [DemoCity]
    let streets: [String]
    let addressStyle: AddressStyle
    /// E.164 shapes; `#` is a random digit. Reserved drama/fiction ranges where a country has them.
    let phonePatterns: [String]
    let carriers: [(DemoCarrier, Double)]
    /// Typical carrier transit time in days (shortest, longest).
    let transitDays: (Int, Int)
}

enum DemoCarrier: String, Sendable, CaseIterable {
    case usps = "USPS"
    case ups = "UPS"
    case fedex = "FedEx"
    case dhl = "DHL"
    case royalMail = "Royal Mail"
}

enum DemoCountries {
    static let all: [DemoCountry] = [
        DemoCountry(
            code: "US", weight: 44,
            cultures: [
                (.english, 55), (.hispanic, 14), (.chinese, 4), (.korean, 3), (.indian, 5), (.westAfrican, 4),
                (.irish, 4), (.italian, 3), (.german, 3), (.polish, 2), (.arabic, 2), (.japanese, 1),
            ],
            cities: [
                DemoCity(name: "New York", province: "NY", postalPattern: "100##", timeZone: "America/New_York"),
                DemoCity(name: "Brooklyn", province: "NY", postalPattern: "112##", timeZone: "America/New_York"),
                DemoCity(name: "Boston", province: "MA", postalPattern: "021##", timeZone: "America/New_York"),
                DemoCity(name: "Philadelphia", province: "PA", postalPattern: "191##", timeZone: "America/New_York"),
                DemoCity(name: "Atlanta", province: "GA", postalPattern: "303##", timeZone: "America/New_York"),
                DemoCity(name: "Miami", province: "FL", postalPattern: "331##", timeZone: "America/New_York"),
                DemoCity(name: "Charlotte", province: "NC", postalPattern: "282##", timeZone: "America/New_York"),
                DemoCity(name: "Chicago", province: "IL", postalPattern: "606##", timeZone: "America/Chicago"),
                DemoCity(name: "Austin", province: "TX", postalPattern: "787##", timeZone: "America/Chicago"),
                DemoCity(name: "Houston", province: "TX", postalPattern: "770##", timeZone: "America/Chicago"),
                DemoCity(name: "Minneapolis", province: "MN", postalPattern: "554##", timeZone: "America/Chicago"),
                DemoCity(name: "Nashville", province: "TN", postalPattern: "372##", timeZone: "America/Chicago"),
                DemoCity(name: "Denver", province: "CO", postalPattern: "802##", timeZone: "America/Denver"),
                DemoCity(name: "Phoenix", province: "AZ", postalPattern: "850##", timeZone: "America/Phoenix"),
                DemoCity(name: "Seattle", province: "WA", postalPattern: "981##", timeZone: "America/Los_Angeles"),
                DemoCity(name: "Portland", province: "OR", postalPattern: "972##", timeZone: "America/Los_Angeles"),
                DemoCity(
                    name: "San Francisco", province: "CA", postalPattern: "941##", timeZone: "America/Los_Angeles"),
                DemoCity(name: "Los Angeles", province: "CA", postalPattern: "900##", timeZone: "America/Los_Angeles"),
                DemoCity(name: "San Diego", province: "CA", postalPattern: "921##", timeZone: "America/Los_Angeles"),
            ],
            streets: [
                "Maple Street", "Oak Avenue", "Pine Street", "Cedar Lane", "Elm Street", "Washington Avenue",
                "Park Place", "Lake Drive", "Hillside Road", "Sunset Boulevard", "Main Street", "Highland Avenue",
                "Willow Way", "Chestnut Street", "Riverside Drive", "Franklin Street",
            ],
            addressStyle: .numberFirst,
            phonePatterns: [
                "+1212555####", "+1312555####", "+1415555####", "+1206555####", "+1512555####", "+1617555####",
                "+1303555####", "+1503555####", "+1404555####", "+1602555####",
            ],
            carriers: [(.usps, 50), (.ups, 30), (.fedex, 20)], transitDays: (2, 5)),
        DemoCountry(
            code: "GB", weight: 12,
            cultures: [
                (.english, 70), (.indian, 8), (.irish, 6), (.polish, 5), (.westAfrican, 4), (.arabic, 3), (.chinese, 4),
            ],
            cities: [
                DemoCity(name: "London", province: nil, postalPattern: "SW# #@@", timeZone: "Europe/London"),
                DemoCity(name: "London", province: nil, postalPattern: "N# #@@", timeZone: "Europe/London"),
                DemoCity(name: "Manchester", province: nil, postalPattern: "M# #@@", timeZone: "Europe/London"),
                DemoCity(name: "Bristol", province: nil, postalPattern: "BS# #@@", timeZone: "Europe/London"),
                DemoCity(name: "Leeds", province: nil, postalPattern: "LS# #@@", timeZone: "Europe/London"),
                DemoCity(name: "Edinburgh", province: nil, postalPattern: "EH# #@@", timeZone: "Europe/London"),
                DemoCity(name: "Brighton", province: nil, postalPattern: "BN# #@@", timeZone: "Europe/London"),
                DemoCity(name: "Birmingham", province: nil, postalPattern: "B# #@@", timeZone: "Europe/London"),
            ],
            streets: [
                "High Street", "Station Road", "Church Lane", "Victoria Road", "Park Road", "Mill Lane", "Queens Road",
                "The Crescent", "Green Lane", "Kings Road", "Albert Street", "Manor Way",
            ],
            addressStyle: .numberFirst,
            phonePatterns: ["+447700900###", "+442079460###", "+441134960###", "+441614960###", "+441174960###"],
            carriers: [(.royalMail, 65), (.dhl, 35)], transitDays: (2, 4)),
        DemoCountry(
            code: "CA", weight: 9,
            cultures: [
                (.english, 55), (.french, 15), (.chinese, 8), (.indian, 8), (.irish, 5), (.korean, 3), (.arabic, 3),
            ],
            cities: [
                DemoCity(name: "Toronto", province: "ON", postalPattern: "M#@ #@#", timeZone: "America/Toronto"),
                DemoCity(name: "Ottawa", province: "ON", postalPattern: "K#@ #@#", timeZone: "America/Toronto"),
                DemoCity(name: "Montréal", province: "QC", postalPattern: "H#@ #@#", timeZone: "America/Toronto"),
                DemoCity(name: "Vancouver", province: "BC", postalPattern: "V#@ #@#", timeZone: "America/Vancouver"),
                DemoCity(name: "Calgary", province: "AB", postalPattern: "T#@ #@#", timeZone: "America/Edmonton"),
                DemoCity(name: "Halifax", province: "NS", postalPattern: "B#@ #@#", timeZone: "America/Halifax"),
            ],
            streets: [
                "King Street", "Queen Street", "Bloor Street", "Maple Crescent", "Lakeshore Road", "Birch Avenue",
                "Spruce Drive", "Rue Sainte-Catherine", "Granville Street", "Elgin Street",
            ],
            addressStyle: .numberFirst,
            phonePatterns: ["+1416555####", "+1604555####", "+1514555####", "+1613555####", "+1403555####"],
            carriers: [(.ups, 50), (.fedex, 30), (.dhl, 20)], transitDays: (4, 8)),
        DemoCountry(
            code: "DE", weight: 6, cultures: [(.german, 85), (.polish, 5), (.arabic, 4), (.italian, 3), (.english, 3)],
            cities: [
                DemoCity(name: "Berlin", province: nil, postalPattern: "10###", timeZone: "Europe/Berlin"),
                DemoCity(name: "Hamburg", province: nil, postalPattern: "20###", timeZone: "Europe/Berlin"),
                DemoCity(name: "München", province: nil, postalPattern: "80###", timeZone: "Europe/Berlin"),
                DemoCity(name: "Köln", province: nil, postalPattern: "50###", timeZone: "Europe/Berlin"),
                DemoCity(name: "Frankfurt am Main", province: nil, postalPattern: "60###", timeZone: "Europe/Berlin"),
                DemoCity(name: "Leipzig", province: nil, postalPattern: "04###", timeZone: "Europe/Berlin"),
            ],
            streets: [
                "Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Lindenweg", "Bergstraße", "Dorfstraße",
                "Kastanienallee", "Rosenweg", "Goethestraße",
            ],
            addressStyle: .numberLast, phonePatterns: ["+49151########", "+49160########", "+49176########"],
            carriers: [(.dhl, 60), (.ups, 25), (.fedex, 15)], transitDays: (4, 9)),
        DemoCountry(
            code: "FR", weight: 5, cultures: [(.french, 85), (.arabic, 8), (.westAfrican, 4), (.hispanic, 3)],
            cities: [
                DemoCity(name: "Paris", province: nil, postalPattern: "750##", timeZone: "Europe/Paris"),
                DemoCity(name: "Lyon", province: nil, postalPattern: "6900#", timeZone: "Europe/Paris"),
                DemoCity(name: "Marseille", province: nil, postalPattern: "130##", timeZone: "Europe/Paris"),
                DemoCity(name: "Bordeaux", province: nil, postalPattern: "3300#", timeZone: "Europe/Paris"),
                DemoCity(name: "Toulouse", province: nil, postalPattern: "3100#", timeZone: "Europe/Paris"),
                DemoCity(name: "Nantes", province: nil, postalPattern: "4400#", timeZone: "Europe/Paris"),
            ],
            streets: [
                "rue de la Paix", "rue Victor Hugo", "avenue Jean Jaurès", "rue du Moulin", "boulevard Voltaire",
                "rue des Lilas", "place de la République", "rue Pasteur", "chemin des Vignes",
            ],
            addressStyle: .numberFirst, phonePatterns: ["+336########", "+337########"],
            carriers: [(.dhl, 55), (.ups, 25), (.fedex, 20)], transitDays: (4, 9)),
        DemoCountry(
            code: "AU", weight: 6,
            cultures: [(.english, 70), (.chinese, 8), (.indian, 6), (.irish, 6), (.italian, 5), (.korean, 2)],
            cities: [
                DemoCity(name: "Sydney", province: "NSW", postalPattern: "20##", timeZone: "Australia/Sydney"),
                DemoCity(name: "Melbourne", province: "VIC", postalPattern: "30##", timeZone: "Australia/Melbourne"),
                DemoCity(name: "Brisbane", province: "QLD", postalPattern: "40##", timeZone: "Australia/Brisbane"),
                DemoCity(name: "Perth", province: "WA", postalPattern: "60##", timeZone: "Australia/Perth"),
                DemoCity(name: "Adelaide", province: "SA", postalPattern: "50##", timeZone: "Australia/Adelaide"),
            ],
            streets: [
                "George Street", "Beach Road", "Bridge Road", "Wattle Avenue", "Acacia Street", "Ocean Parade",
                "Banksia Close", "Church Street", "Station Street",
            ],
            addressStyle: .numberFirst,
            phonePatterns: ["+6125550####", "+6127010####", "+6135550####", "+6137010####", "+6175550####"],
            carriers: [(.dhl, 50), (.fedex, 30), (.ups, 20)], transitDays: (6, 12)),
        DemoCountry(
            code: "NL", weight: 3, cultures: [(.dutch, 85), (.arabic, 5), (.english, 5), (.german, 5)],
            cities: [
                DemoCity(name: "Amsterdam", province: nil, postalPattern: "10## @@", timeZone: "Europe/Amsterdam"),
                DemoCity(name: "Rotterdam", province: nil, postalPattern: "30## @@", timeZone: "Europe/Amsterdam"),
                DemoCity(name: "Utrecht", province: nil, postalPattern: "35## @@", timeZone: "Europe/Amsterdam"),
                DemoCity(name: "Den Haag", province: nil, postalPattern: "25## @@", timeZone: "Europe/Amsterdam"),
            ],
            streets: [
                "Kerkstraat", "Prinsengracht", "Dorpsstraat", "Molenweg", "Stationsweg", "Lindelaan", "Beukenlaan",
            ],
            addressStyle: .numberLast, phonePatterns: ["+316########"],
            carriers: [(.dhl, 60), (.ups, 25), (.fedex, 15)], transitDays: (4, 9)),
        DemoCountry(
            code: "ES", weight: 3, cultures: [(.hispanic, 90), (.english, 4), (.arabic, 3), (.italian, 3)],
            cities: [
                DemoCity(name: "Madrid", province: nil, postalPattern: "280##", timeZone: "Europe/Madrid"),
                DemoCity(name: "Barcelona", province: nil, postalPattern: "080##", timeZone: "Europe/Madrid"),
                DemoCity(name: "Valencia", province: nil, postalPattern: "460##", timeZone: "Europe/Madrid"),
                DemoCity(name: "Sevilla", province: nil, postalPattern: "410##", timeZone: "Europe/Madrid"),
            ],
            streets: ["Calle Mayor", "Calle de Alcalá", "Gran Vía", "Calle del Sol", "Avenida de la Constitución"],
            addressStyle: .numberLast, phonePatterns: ["+346########"],
            carriers: [(.dhl, 55), (.ups, 25), (.fedex, 20)], transitDays: (5, 10)),
        DemoCountry(
            code: "IT", weight: 3, cultures: [(.italian, 90), (.english, 4), (.hispanic, 3), (.arabic, 3)],
            cities: [
                DemoCity(name: "Roma", province: "RM", postalPattern: "001##", timeZone: "Europe/Rome"),
                DemoCity(name: "Milano", province: "MI", postalPattern: "201##", timeZone: "Europe/Rome"),
                DemoCity(name: "Torino", province: "TO", postalPattern: "101##", timeZone: "Europe/Rome"),
                DemoCity(name: "Firenze", province: "FI", postalPattern: "501##", timeZone: "Europe/Rome"),
            ],
            streets: ["Via Roma", "Via Garibaldi", "Corso Italia", "Via Dante", "Via Verdi", "Piazza Cavour"],
            addressStyle: .numberLast, phonePatterns: ["+39347#######", "+39333#######"],
            carriers: [(.dhl, 55), (.ups, 25), (.fedex, 20)], transitDays: (5, 10)),
        DemoCountry(
            code: "SE", weight: 2, cultures: [(.nordic, 85), (.arabic, 5), (.english, 5), (.polish, 5)],
            cities: [
                DemoCity(name: "Stockholm", province: nil, postalPattern: "11# ##", timeZone: "Europe/Stockholm"),
                DemoCity(name: "Göteborg", province: nil, postalPattern: "41# ##", timeZone: "Europe/Stockholm"),
                DemoCity(name: "Malmö", province: nil, postalPattern: "21# ##", timeZone: "Europe/Stockholm"),
            ],
            streets: ["Storgatan", "Drottninggatan", "Kungsgatan", "Skolgatan", "Björkvägen", "Sveavägen"],
            addressStyle: .numberLast, phonePatterns: ["+4670#######", "+4673#######"],
            carriers: [(.dhl, 65), (.ups, 20), (.fedex, 15)], transitDays: (5, 10)),
        DemoCountry(
            code: "JP", weight: 2, cultures: [(.japanese, 95), (.english, 5)],
            cities: [
                DemoCity(name: "Tokyo", province: "Tokyo", postalPattern: "15#-####", timeZone: "Asia/Tokyo"),
                DemoCity(name: "Osaka", province: "Osaka", postalPattern: "53#-####", timeZone: "Asia/Tokyo"),
                DemoCity(name: "Kyoto", province: "Kyoto", postalPattern: "60#-####", timeZone: "Asia/Tokyo"),
            ],
            streets: ["Jingumae", "Ebisu", "Nakameguro", "Umeda", "Shimogyo", "Kichijoji"],
            addressStyle: .japanese, phonePatterns: ["+8190########", "+8180########"],
            carriers: [(.dhl, 50), (.fedex, 35), (.ups, 15)], transitDays: (5, 11)),
        DemoCountry(
            code: "BR", weight: 2, cultures: [(.portuguese, 90), (.japanese, 4), (.italian, 3), (.arabic, 3)],
            cities: [
                DemoCity(name: "São Paulo", province: "SP", postalPattern: "01###-###", timeZone: "America/Sao_Paulo"),
                DemoCity(
                    name: "Rio de Janeiro", province: "RJ", postalPattern: "22###-###", timeZone: "America/Sao_Paulo"),
                DemoCity(
                    name: "Belo Horizonte", province: "MG", postalPattern: "30###-###", timeZone: "America/Sao_Paulo"),
            ],
            streets: ["Rua Augusta", "Avenida Paulista", "Rua das Flores", "Rua da Consolação", "Rua Oscar Freire"],
            addressStyle: .numberLast, phonePatterns: ["+55119########", "+55219########"],
            carriers: [(.dhl, 55), (.fedex, 30), (.ups, 15)], transitDays: (7, 14)),
        DemoCountry(
            code: "IE", weight: 1.5, cultures: [(.irish, 75), (.english, 15), (.polish, 10)],
            cities: [
                DemoCity(name: "Dublin", province: nil, postalPattern: "D0# @###", timeZone: "Europe/Dublin"),
                DemoCity(name: "Cork", province: nil, postalPattern: "T12 @###", timeZone: "Europe/Dublin"),
                DemoCity(name: "Galway", province: nil, postalPattern: "H91 @###", timeZone: "Europe/Dublin"),
            ],
            streets: ["Main Street", "Church Road", "Harbour Road", "Abbey Street", "Grafton Street"],
            addressStyle: .numberFirst, phonePatterns: ["+35387#######", "+35385#######"],
            carriers: [(.dhl, 60), (.ups, 25), (.fedex, 15)], transitDays: (4, 8)),
        DemoCountry(
            code: "NZ", weight: 1.5, cultures: [(.english, 80), (.chinese, 8), (.indian, 6), (.irish, 6)],
            cities: [
                DemoCity(name: "Auckland", province: nil, postalPattern: "10##", timeZone: "Pacific/Auckland"),
                DemoCity(name: "Wellington", province: nil, postalPattern: "60##", timeZone: "Pacific/Auckland"),
                DemoCity(name: "Christchurch", province: nil, postalPattern: "80##", timeZone: "Pacific/Auckland"),
            ],
            streets: ["Queen Street", "Cuba Street", "Ponsonby Road", "Kowhai Lane", "Rimu Street"],
            addressStyle: .numberFirst, phonePatterns: ["+6421#######", "+6422#######"],
            carriers: [(.dhl, 60), (.fedex, 25), (.ups, 15)], transitDays: (6, 12)),
    ]

    /// Cumulative country weights for `DemoRandom.index(cumulative:)`.
    static let cumulativeWeights: [Double] = {
        var total = 0.0
        return all.map { country in
            total += country.weight
            return total
        }
    }()

    /// Fills a pattern: `#` becomes a digit, `@` an upper-case letter.
    static func fill(_ pattern: String, _ random: inout DemoRandom) -> String {
        var text = ""
        text.reserveCapacity(pattern.utf8.count)
        for character in pattern {
            switch character {
            case "#": text.append(Character(Unicode.Scalar(UInt8(48 + random.below(10)))))
            case "@": text.append(Character(Unicode.Scalar(UInt8(65 + random.below(26)))))
            default: text.append(character)
            }
        }
        return text
    }
}
