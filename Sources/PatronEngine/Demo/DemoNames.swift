/// Given and family names from several cultures, for demo customers.
struct DemoNamePool: Sendable {
    let firstNames: [String]
    let lastNames: [String]
}

enum DemoNames {
    enum Culture: Int, CaseIterable {
        case english, hispanic, portuguese, german, french, italian, dutch, nordic
        case japanese, chinese, korean, indian, westAfrican, arabic, polish, irish
    }

    static func pool(_ culture: Culture) -> DemoNamePool { pools[culture.rawValue] }

    private static let pools: [DemoNamePool] = [
        DemoNamePool(
            firstNames: [
                "Emma", "Olivia", "Ava", "Sophia", "Charlotte", "Amelia", "Harper", "Grace", "Chloe", "Lily", "Hannah",
                "Ella", "Madison", "Abigail", "Zoe", "Natalie", "Claire", "Megan", "Rachel", "Sarah", "Liam", "Noah",
                "James", "William", "Benjamin", "Lucas", "Henry", "Jack", "Owen", "Ethan", "Daniel", "Matthew",
                "Samuel", "Nathan", "Ryan", "Tyler", "Oliver", "George", "Harry", "Thomas",
            ],
            lastNames: [
                "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
                "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker",
                "Hall", "Young", "Allen", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Carter", "Mitchell",
                "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart",
                "Morris", "Cooper", "Hughes", "Bennett", "Wood", "Bailey", "Fletcher", "Hayes",
            ]),
        DemoNamePool(
            firstNames: [
                "Sofía", "Valentina", "Camila", "Lucía", "María", "Isabella", "Daniela", "Elena", "Carmen", "Paula",
                "Marta", "Alejandra", "Mateo", "Santiago", "Diego", "Alejandro", "Javier", "Carlos", "Miguel", "Pablo",
                "Andrés", "Luis", "Sergio", "Hugo", "Adrián",
            ],
            lastNames: [
                "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez",
                "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Morales", "Ortiz", "Castillo", "Romero", "Navarro",
                "Ruiz", "Jiménez", "Moreno", "Álvarez", "Vargas", "Castro",
            ]),
        DemoNamePool(
            firstNames: [
                "Ana", "Beatriz", "Mariana", "Larissa", "Juliana", "Gabriela", "Fernanda", "Letícia", "Camila", "Inês",
                "João", "Pedro", "Gabriel", "Rafael", "Thiago", "Bruno", "Felipe", "Gustavo", "Rodrigo", "Tiago",
            ],
            lastNames: [
                "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Ferreira", "Almeida", "Carvalho",
                "Ribeiro",
                "Gomes", "Martins", "Araújo", "Barbosa", "Rocha", "Lima", "Cardoso", "Teixeira", "Moura", "Nunes",
            ]),
        DemoNamePool(
            firstNames: [
                "Anna", "Lena", "Marie", "Laura", "Julia", "Sophie", "Katharina", "Lea", "Johanna", "Clara", "Greta",
                "Lukas", "Jonas", "Leon", "Felix", "Maximilian", "Paul", "Tobias", "Florian", "Jan", "Moritz", "Niklas",
            ],
            lastNames: [
                "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
                "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
                "Hartmann", "Lange",
            ]),
        DemoNamePool(
            firstNames: [
                "Chloé", "Léa", "Manon", "Camille", "Inès", "Juliette", "Louise", "Élise", "Margaux", "Amandine",
                "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Théo", "Antoine", "Mathis", "Nicolas", "Étienne",
            ],
            lastNames: [
                "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
                "Simon", "Laurent", "Lefèvre", "Michel", "Garnier", "Faure", "Rousseau", "Blanc", "Fontaine",
                "Chevalier",
            ]),
        DemoNamePool(
            firstNames: [
                "Giulia", "Chiara", "Francesca", "Sara", "Martina", "Alessia", "Federica", "Elisa", "Giorgia", "Aurora",
                "Lorenzo", "Alessandro", "Leonardo", "Matteo", "Marco", "Luca", "Giovanni", "Davide", "Riccardo",
                "Stefano",
            ],
            lastNames: [
                "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
                "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
            ]),
        DemoNamePool(
            firstNames: [
                "Sanne", "Femke", "Lotte", "Anouk", "Eva", "Fleur", "Noor", "Iris", "Daan", "Sem", "Bram", "Thijs",
                "Jesse", "Ruben", "Lars", "Stijn", "Joost", "Wouter",
            ],
            lastNames: [
                "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
                "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen",
            ]),
        DemoNamePool(
            firstNames: [
                "Astrid", "Elsa", "Ingrid", "Maja", "Saga", "Freja", "Linnea", "Ebba", "Alva", "Åsa", "Erik", "Lars",
                "Oskar", "Axel", "Nils", "Gustav", "Henrik", "Magnus", "Anders", "Søren",
            ],
            lastNames: [
                "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
                "Svensson", "Gustafsson", "Lindberg", "Lindqvist", "Berg", "Hansen", "Nielsen", "Lund", "Holm",
                "Dahl",
            ]),
        DemoNamePool(
            firstNames: [
                "Yuki", "Haruka", "Aoi", "Sakura", "Yui", "Mio", "Rin", "Hina", "Akiko", "Emi", "Haruto", "Ren", "Sota",
                "Yuto", "Kenji", "Takumi", "Daiki", "Hiroshi", "Kaito", "Riku",
            ],
            lastNames: [
                "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
                "Yoshida", "Yamada", "Sasaki", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu",
            ]),
        DemoNamePool(
            firstNames: [
                "Mei", "Xin", "Ying", "Li Na", "Jia", "Hui", "Lan", "Fang", "Wen", "Yan", "Wei", "Jun", "Hao", "Lei",
                "Ming", "Chen", "Jian", "Tao", "Bo", "Kai",
            ],
            lastNames: [
                "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu",
                "Hu", "Guo", "Lin", "He",
            ]),
        DemoNamePool(
            firstNames: [
                "Ji-woo", "Seo-yeon", "Min-ji", "Ha-eun", "Soo-ah", "Ye-jin", "Min-jun", "Seo-jun", "Do-yoon",
                "Ji-ho", "Hyun-woo", "Jae-won", "Eun-ji", "Sung-min",
            ],
            lastNames: ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin"]),
        DemoNamePool(
            firstNames: [
                "Priya", "Ananya", "Aisha", "Diya", "Kavya", "Isha", "Meera", "Neha", "Pooja", "Riya", "Aarav", "Arjun",
                "Rohan", "Vikram", "Aditya", "Rahul", "Karan", "Sanjay", "Dev", "Nikhil",
            ],
            lastNames: [
                "Patel", "Sharma", "Singh", "Kumar", "Gupta", "Shah", "Mehta", "Reddy", "Iyer", "Nair", "Rao", "Joshi",
                "Desai", "Kapoor", "Chopra", "Malhotra", "Banerjee", "Bose",
            ]),
        DemoNamePool(
            firstNames: [
                "Amara", "Chiamaka", "Ngozi", "Adaeze", "Funmilayo", "Yetunde", "Abena", "Akosua", "Zainab", "Ifeoma",
                "Chinedu", "Emeka", "Oluwaseun", "Tunde", "Kwame", "Kofi", "Obinna", "Segun",
            ],
            lastNames: [
                "Okafor", "Adeyemi", "Okonkwo", "Nwosu", "Eze", "Balogun", "Mensah", "Boateng", "Asante", "Owusu",
                "Adebayo", "Ogunleye", "Chukwu", "Afolabi", "Oyelaran", "Danjuma",
            ]),
        DemoNamePool(
            firstNames: [
                "Layla", "Fatima", "Mariam", "Noor", "Yasmin", "Leila", "Salma", "Huda", "Rania", "Dalia", "Omar",
                "Yusuf",
                "Karim", "Ali", "Hassan", "Tariq", "Samir", "Rami", "Khalid", "Zaid",
            ],
            lastNames: [
                "Haddad", "Khalil", "Nasser", "Saleh", "Hussein", "Mansour", "Aziz", "Farah", "Hamdan", "Rahman",
                "Karam", "Said", "Abbas", "Darwish", "Najjar", "Sabbagh",
            ]),
        DemoNamePool(
            firstNames: [
                "Zofia", "Maja", "Julia", "Zuzanna", "Natalia", "Agnieszka", "Katarzyna", "Magda", "Jakub", "Kacper",
                "Szymon", "Wojciech", "Piotr", "Tomasz", "Michał", "Paweł",
            ],
            lastNames: [
                "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański",
                "Woźniak", "Dąbrowski", "Kozłowski", "Mazur", "Krawczyk", "Piotrowski",
            ]),
        DemoNamePool(
            firstNames: [
                "Aoife", "Niamh", "Siobhan", "Ciara", "Saoirse", "Orla", "Róisín", "Maeve", "Sinéad", "Caoimhe", "Cian",
                "Oisín", "Darragh", "Conor", "Seán", "Eoin", "Declan", "Ronan",
            ],
            lastNames: [
                "Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "Ryan", "O'Connor", "O'Neill", "Doyle",
                "McCarthy", "Gallagher", "Kennedy", "Lynch", "Quinn", "Brennan", "Fitzgerald", "Nolan",
            ]),
    ]
}
