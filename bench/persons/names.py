"""Name and place lists for bench/persons/generate.py.

Every list is ordered from the most to the least frequent: generate.py gives
the entry of rank r a weight of 1 / r ** exponent (a Zipf-like law, which is
how surnames and first names are distributed). The French surnames are the
~200 most frequent in France (INSEE births 1891-1990, in their order); the
other groups are the origins the 115 of Île-de-France actually records
(North and West Africa, Central Africa, the Horn of Africa, Eastern Europe,
Turkey, Afghanistan and South Asia, Portugal), with the spellings French
civil-status and OFPRA documents use. No external data: written by hand.
"""

FRENCH_SURNAMES = """
MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT
SIMON MICHEL LEFEBVRE LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD
BONNET DUPONT LAMBERT FONTAINE ROUSSEAU VINCENT MULLER LEFÈVRE FAURE ANDRÉ
MERCIER BLANC GUÉRIN BOYER GARNIER CHEVALIER FRANÇOIS LEGRAND GAUTHIER GARCIA
PERRIN ROBIN CLÉMENT MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER MASSON
MARCHAND DUVAL DENIS DUMONT MARIE LEMAIRE NOËL MEYER DUFOUR MEUNIER
BRUN BLANCHARD GIRAUD JOLY RIVIÈRE LUCAS BRUNET GAILLARD BARBIER ARNAUD
MARTINEZ GÉRARD ROCHE RENARD SCHMITT ROY LEROUX COLIN VIDAL CARON
PICARD ROGER FABRE AUBERT LEMOINE RENAUD DUMAS LACROIX OLIVIER PHILIPPE
BOURGEOIS PIERRE BENOÎT REY LECLERC PAYET ROLLAND LECLERCQ GUILLAUME LECOMTE
LOPEZ JEAN DUPUY GUILLOT HUBERT BERGER CARPENTIER SANCHEZ DUPUIS MOULIN
LOUIS DESCHAMPS HUET VASSEUR PEREZ BOUCHER FLEURY ROYER KLEIN JACQUET
ADAM PARIS POIRIER MARTY AUBRY GUYOT CARRÉ CHARLES RENAULT CHARPENTIER
MÉNARD MAILLARD BARON BERTIN BAILLY HERVÉ SCHNEIDER FERNANDEZ LE_GALL COLLET
LÉGER BOUVIER JULIEN PRÉVOST MILLET PERROT DANIEL LE_ROUX COUSIN GERMAIN
BRETON BESSON LANGLOIS RÉMY LE_GOFF PELLETIER LÉVÊQUE PERRIER LEBLANC BARRÉ
LEBRUN MARCHAL WEBER MALLET HAMON BOULANGER JACOB MONNIER MICHAUD RODRIGUEZ
GUICHARD GILLET ÉTIENNE GRONDIN POULAIN TESSIER CHEVALLIER COLLIN CHAUVIN DA_SILVA
BOUCHET GAY LEMAÎTRE BÉNARD MARÉCHAL HUMBERT REYNAUD ANTOINE HOARAU PERRET
BARTHÉLEMY CORDIER PICHON LEJEUNE GILBERT LAMY DELAUNAY PASQUIER CARLIER LAPORTE
"""

# Surnames that carry a particle: used now and then for French families.
FRENCH_PARTICLE_SURNAMES = """
DE_LA_FONTAINE DE_SOUZA DU_PONT LE_BRIS DE_LA_ROCHE D'ALMEIDA DE_LATTRE
DES_ROCHES LE_BIHAN LA_SALLE DU_BOIS DE_BELLEVILLE D'ARTOIS LE_MOAL DE_VILLIERS
DU_MESNIL DE_SAINT-JUST LE_CORRE D'HAUSSY LA_FORGE
"""

MAGHREB_SURNAMES = """
BENALI BOUAZIZ HADDAD MANSOURI BELKACEM SAIDI BRAHIMI AMRANI HAMDI CHERIF
BENSAÏD BOUZID MEZIANE KHELIFI BOUDIAF HAMIDI BENAMAR TAHRI LARBI ZEROUAL
BEN_ALI BEN_SALAH EL_AMRANI EL_IDRISSI AÏT_ALI AÏT_AHMED BEN_YOUSSEF BOUKHARI
BENMOUSSA CHAOUI OUALI AZZOUZ RAHMANI MEKKI BENABDALLAH DJEBBAR BOUALEM FERHAT
MESSAOUDI NACERI TOUATI HADJ KACI LAHLOU BENNANI TAZI ALAOUI CHAKIR
"""

WEST_AFRICA_SURNAMES = """
DIALLO TRAORÉ COULIBALY KONÉ CAMARA DIARRA TOURÉ SYLLA KEITA CISSÉ
BAH BARRY SOW DIOP N'DIAYE FOFANA DOUMBIA SANGARÉ KONATÉ SISSOKO
BALDÉ SOUMARÉ DIAKITÉ KANTÉ DEMBÉLÉ SY FALL GUEYE MBAYE SACKO
DRAMÉ TANDIA SIDIBÉ KOUYATÉ MAGASSA DIABY N'DOYE SECK THIAM DIOUF
N'GUESSAN KOUASSI KOFFI YAO KOUAMÉ OUATTARA BAMBA MENDY GOMIS SAGNA
"""

CENTRAL_AFRICA_SURNAMES = """
MBALA KABILA NGOMA MUKENDI TSHIBANDA KALONJI ILUNGA MPIANA LUKUSA NKOUNKOU
MOUKALA MAKAYA NZEZA LUTETE MBUYI KABONGO ESSOMBA NDONGO MVONDO ATANGANA
MASSAMBA LOEMBA MABIALA BAKALA NSIMBA KIALA MUKADI KAPINGA NGANDU BANZA
"""

HORN_OF_AFRICA_SURNAMES = """
TESFAYE GEBREMEDHIN HAILE TEKLE KIDANE ABDI MOHAMED_ALI HASSAN OSMAN ADAM_ISSA
ABDALLAH IBRAHIM YOUSSOUF MAHAMAT ABAKAR BERHANE TESFAMARIAM YOHANNES GHEBREMARIAM WELDEMICHAEL
HABTE MEHARI KAHSAY ABRAHA GHIRMAY MEBRAHTU TSEGAY NEGASH ANDEMARIAM OKBAY
ALI_OMAR FARAH WARSAME JAMA ELMI
"""

EAST_EUROPE_SURNAMES = """
POPESCU IONESCU POPA RADU DUMITRU STAN STOICA GHEORGHE MUNTEANU CONSTANTIN
KOWALSKI NOWAK WIŚNIEWSKI SHEVCHENKO KOVALENKO BONDARENKO TKACHENKO KRAVCHENKO MELNYK BOYKO
IVANOV PETROV SMIRNOV KUZNETSOVA BERIDZE KAPANADZE GELASHVILI MAMEDOV ALIYEV HOXHA
KRASNIQI BERISHA GASHI SADIKU MIHAI LAZĂR
"""

TURKISH_SURNAMES = """
YILMAZ KAYA DEMIR ŞAHIN ÇELIK YILDIZ YILDIRIM ÖZTÜRK AYDIN ÖZDEMIR
ARSLAN DOĞAN KILIÇ ASLAN ÇETIN KARA KOÇ KURT ÖZKAN ŞIMŞEK
"""

SOUTH_ASIA_SURNAMES = """
AHMADI HAKIMI MOHAMMADI RAHIMI KARIMI HOSSAINI SULTANI NAZARI AZIZI STANIKZAI
KHAN AHMED HUSSAIN ISLAM RAHMAN UDDIN MIAH BEGUM SIVAKUMAR KUMAR
SINGH CHOWDHURY HOSSAIN ALAM AKTER
"""

PORTUGUESE_SURNAMES = """
DA_SILVA DOS_SANTOS FERREIRA PEREIRA RODRIGUES MARTINS GONÇALVES FERNANDES LOPES COSTA
DE_OLIVEIRA ALVES CARVALHO DE_SOUSA TEIXEIRA MOREIRA CORREIA MENDES RIBEIRO DA_COSTA
FERREIRA_DA_COSTA PINTO
"""

ASIA_SURNAMES = """
NGUYEN TRAN LE PHAM HOANG WANG LI ZHANG CHEN LIU
"""

# First names by origin: female, then male, most frequent first. A hyphen
# makes a compound first name (Jean-Pierre), a single given name.
FIRST_NAMES = {
    "french": (
        """Marie Nathalie Isabelle Sylvie Catherine Sandrine Christine Valérie Céline Sophie
        Stéphanie Julie Aurélie Émilie Laëtitia Camille Léa Manon Chloé Sarah
        Laura Emma Inès Jade Louise Anne Françoise Monique Martine Nicole
        Marie-Claire Anne-Sophie Marie-Christine Élodie Audrey Mélanie Virginie Caroline Pauline Lucie
        Océane Clara Zoé Lina Mathilde Juliette Alice Hélène Patricia Brigitte""",
        """Jean Philippe Michel Alain Patrick Nicolas Christophe Pierre Christian Éric
        Frédéric Laurent Stéphane David Pascal Sébastien Julien Thomas Olivier Daniel
        Jean-Pierre Jean-Claude Jean-Marc Jean-François Bernard Thierry Dominique Didier Franck Vincent
        Lucas Hugo Théo Nathan Louis Gabriel Arthur Enzo Mathis Kevin
        Maxime Alexandre Antoine Romain Guillaume Jérôme Cédric Anthony Jonathan Benoît"""),
    "maghreb": (
        """Fatima Khadija Amina Samira Nadia Karima Malika Leïla Yasmina Naïma
        Sara Meriem Houria Zohra Farida Rachida Soraya Imane Salma Nour
        Aïcha Hafsa Lina Yasmine Ines Kenza Rania Asma Dounia Zineb""",
        """Mohamed Ahmed Karim Youssef Ali Rachid Mustapha Abdelkader Said Omar
        Mehdi Samir Nabil Bilal Hamza Amine Yacine Sofiane Khalid Hassan
        Abdallah Brahim Kamel Farid Nordine Mourad Walid Adam Ayoub Ilyes"""),
    "west_africa": (
        """Aminata Fatoumata Mariam Awa Aïssatou Kadiatou Hawa Bintou Fanta Oumou
        Assa Djeneba Ramatoulaye Mariama Adama Sira Coumba Khady Ndeye Fatou
        Kadidia Nafissatou Rokia Salimata Korotoumou Aya Affoué Adjoua Grâce Marie""",
        """Mamadou Moussa Ibrahima Ousmane Abdoulaye Souleymane Mohamed Amadou Boubacar Seydou
        Modibo Lassana Bakary Cheick Alassane Aliou Oumar Sekou Issa Mahamadou
        Adama Demba Samba Lamine Kalidou Yaya Drissa Kouadio Koffi Serge"""),
    "central_africa": (
        """Grâce Marie Esther Rachel Divine Merveille Chance Gloria Nadège Prisca
        Christelle Bénédicte Ruth Sarah Déborah""",
        """Jean Patrick Christian Junior Fiston Glody Trésor Héritier Blaise Joseph
        Emmanuel Dieudonné Serge Cédric Rodrigue"""),
    "horn_of_africa": (
        """Semhar Helen Saba Selam Hiwet Fatima Amina Halima Hawa Mariam
        Senait Yordanos Freweyni Luwam Eden Ruta Milena Winta Hanna Asmeret""",
        """Yonas Daniel Tesfay Yohannes Filmon Mohamed Abdallah Ibrahim Adam Ahmed
        Osman Ismail Hassan Musa Yassin Samuel Robel Dawit Merhawi Biniam
        Henok Kidane Amanuel Simon Abel"""),
    "east_europe": (
        """Maria Elena Ioana Andreea Natalia Olena Oksana Iryna Tetiana Svitlana
        Anna Olga Irina Nino Tamar Ana Mihaela Gabriela Daniela Florentina""",
        """Ion Vasile Gheorghe Andrei Constantin Mihai Nicolae Dmytro Oleksandr Serhii
        Volodymyr Andriy Giorgi Levan David Ivan Sergei Alexei Florin Marius"""),
    "turkish": (
        """Ayşe Fatma Emine Zeynep Elif Hatice Meryem Esra Büşra Derya""",
        """Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Yusuf Emre"""),
    "south_asia": (
        """Zahra Fatima Maryam Masuma Parwana Shabnam Roya Nasrin Farzana Nasima""",
        """Mohammad Ahmad Ali Abdul Sayed Habib Jawad Hamid Rahim Karim
        Mohammed Rakib Shahid Imran Tharshan"""),
    "portuguese": (
        """Maria Ana Fernanda Isabel Sandra Paula Sónia Cristina Manuela Helena""",
        """José João Manuel António Carlos Paulo Luís Francisco Jorge Rui"""),
    "asia": (
        """Thi Mai Lan Hoa Linh Mei Ying Xiu""",
        """Van Minh Duc Anh Wei Jun Hao Long"""),
}

# Origins with their share of the 115's public in Île-de-France, roughly;
# their surname list; the first-name list; the share of people born abroad
# whose exact birth day is unknown and recorded as 1 January.
ORIGINS = [
    # name, weight, surnames, first names, share with more than one first name,
    # share of married women recorded under their husband's name
    ("french", 38, FRENCH_SURNAMES, "french", 0.45, 0.60),
    ("maghreb", 17, MAGHREB_SURNAMES, "maghreb", 0.12, 0.15),
    ("west_africa", 20, WEST_AFRICA_SURNAMES, "west_africa", 0.30, 0.25),
    ("central_africa", 5, CENTRAL_AFRICA_SURNAMES, "central_africa", 0.35, 0.20),
    ("horn_of_africa", 4, HORN_OF_AFRICA_SURNAMES, "horn_of_africa", 0.10, 0.05),
    ("east_europe", 7, EAST_EUROPE_SURNAMES, "east_europe", 0.10, 0.70),
    ("turkish", 2, TURKISH_SURNAMES, "turkish", 0.10, 0.60),
    ("south_asia", 4, SOUTH_ASIA_SURNAMES, "south_asia", 0.15, 0.05),
    ("portuguese", 2, PORTUGUESE_SURNAMES, "portuguese", 0.50, 0.50),
    ("asia", 1, ASIA_SURNAMES, "asia", 0.40, 0.10),
]

# Nationalities (ISO 3166-1 alpha-3) by origin, most frequent first.
NATIONALITIES = {
    "french": ["FRA"],
    "maghreb": ["DZA", "MAR", "TUN", "FRA"],
    "west_africa": ["MLI", "GIN", "CIV", "SEN", "FRA", "MRT", "BFA", "CMR"],
    "central_africa": ["COD", "COG", "CMR", "AGO", "CAF", "FRA"],
    "horn_of_africa": ["ERI", "SDN", "SOM", "ETH", "TCD"],
    "east_europe": ["ROU", "UKR", "GEO", "ALB", "MDA", "RUS", "POL", "BGR", "SRB"],
    "turkish": ["TUR", "FRA"],
    "south_asia": ["AFG", "PAK", "BGD", "LKA", "IND"],
    "portuguese": ["PRT", "FRA", "BRA", "CPV"],
    "asia": ["CHN", "VNM", "FRA"],
}

# Territories: the départements a back-office (territories "*") sees; the
# 115 of Paris and the inner suburbs (75, 92, 93, 94) most of all, then the
# rest of Île-de-France, the large cities and an overseas one. All are in
# common.schema.json#/definitions/territory.
TERRITORIES = [
    ("75", 34), ("93", 22), ("94", 12), ("92", 11), ("95", 4), ("91", 3),
    ("77", 3), ("78", 3), ("13", 2), ("69", 2), ("59", 1), ("33", 1),
    ("31", 1), ("67", 1), ("06", 0.5), ("44", 0.5), ("971", 0.3),
]

# Neighbouring keys on a French AZERTY keyboard, for typing errors.
AZERTY_ROWS = ["AZERTYUIOP", "QSDFGHJKLM", "WXCVBN"]

# Spellings of the same name that different teams write (transliterations
# from Arabic, Tigrinya, Russian...): a planted duplicate may use another one.
SPELLING_VARIANTS = [
    ["MOHAMED", "MOHAMMED", "MOHAMMAD", "MOHAMAD", "MUHAMMAD"],
    ["AHMED", "AHMAD"],
    ["YOUSSEF", "YOUSSOUF", "YOUSEF", "YUSUF"],
    ["ABDELKADER", "ABDELKADIR", "ABDELKRIM"],
    ["KHADIJA", "KADIJA", "KHADIDJA"],
    ["AÏCHA", "AICHA", "AISHA", "AÏSSA"],
    ["FATOUMATA", "FATOUMATTA", "FATUMATA"],
    ["AÏSSATOU", "AISSATOU", "AISSATA"],
    ["MAMADOU", "MAMADU"],
    ["IBRAHIMA", "IBRAHIM"],
    ["OUSMANE", "OUSMAN", "USMAN"],
    ["SOULEYMANE", "SOULEIMANE", "SULEYMAN"],
    ["OLEKSANDR", "OLEXANDR", "ALEKSANDR"],
    ["SERHII", "SERGIY", "SERGUEI"],
    ["DMYTRO", "DMITRO", "DMITRI"],
    ["IRYNA", "IRINA"],
    ["TETIANA", "TATIANA"],
    ["SHEVCHENKO", "CHEVTCHENKO"],
    ["KOVALENKO", "KOVALENKA"],
    ["DIALLO", "DIALO"],
    ["BENSAÏD", "BENSAID", "BEN SAID"],
    ["BELKACEM", "BELKASSEM", "BELKACEME"],
    ["HOSSAINI", "HUSSAINI", "HOSSEINI"],
    ["MOHAMMADI", "MOHAMADI", "MUHAMMADI"],
    ["CHOWDHURY", "CHOUDHURY", "CHOUDHARY"],
    ["GEBREMEDHIN", "GEBREMEDHN", "GEBREMEDIN"],
]

# The long tail of surnames: the lists above are the most frequent names of
# each origin, but most people carry rarer ones (the 200 most frequent French
# surnames cover about a tenth of the French). Rarer names are made from
# roots and endings the way those names are formed, so that namesakes are
# about as frequent as in real files, not ten times more.
FRENCH_TAIL_ROOTS = """
GUILL MARCH BOUCH PERR CHARP BRET CHAM BERTH GOD ROB LAMB MOR RENOU BAUD
THIB GRAND BESN COUD FOUCH GAUD JOUB LECL MASS PAST ROUL TISS VALL BOISS
CHAUV DELAB FERR GALL HUB JACQU LAV MAILL NOGU PICH RAV SAUV TRICH VERN
"""
FRENCH_TAIL_ENDINGS = "ET IN EAU IER AUD OT ARD ON EL AULT ERON ENET OUX ELIN"

MAGHREB_TAIL_PREFIXES = ["BEN", "BOU", "BEL", "", "", "AÏT ", "EL "]
MAGHREB_TAIL_ROOTS = """
AMAR KACI SAID SALAH ZIANE HAMOU AISSA MESSAOUD CHERIF TAHAR LAKHDAR MOKHTAR
RABAH SLIMANE YAHIA ABBES MEHDI NACER DRISS LARBI HADJ AMEUR KHALED OTHMANE
MILOUD HOCINE AZIZ RAHAL JELLOUL FARES
"""

WEST_AFRICA_TAIL = """
DIAWARA SAMAKÉ DIAKHABY TIMERA SOUMAH DOUCOURÉ GASSAMA NIAKATÉ DIOMANDÉ BAKAYOKO
KAMARA SANOGO BERTHÉ MAÏGA TOGOLA DIABATÉ KONTÉ CAMARA_DIALLO SOUKOUNA TRAORÉ_KONÉ
NIANG FAYE NDOUR SARR CISSOKHO DABO DIÉMÉ BADJI MANÉ TALL
"""
