"""Reference lists the generator draws from. All names are invented for synthetic data."""

from __future__ import annotations

from decimal import Decimal

from healtheos.plans.models import LineOfBusiness, ProductType

#: (code, name, brand, state, payer id, member-ID prefix)
PLANS = [
    ("sunrise-tx", "Sunrise Health of Texas", "Sunrise Health", "TX", "SUNTX", "SUN"),
    ("sunrise-ok", "Sunrise Health of Oklahoma", "Sunrise Health", "OK", "SUNOK", "SOK"),
    ("lakeshore-il", "Lakeshore Health", "Lakeshore Health", "IL", "LAKIL", "LAK"),
]

#: Per line of business: (product type, name suffix) of the benefit plans offered.
PRODUCTS = {
    LineOfBusiness.COMMERCIAL: [(ProductType.PPO, "Choice PPO"), (ProductType.HMO, "Select HMO")],
    LineOfBusiness.MEDICARE_ADVANTAGE: [
        (ProductType.HMO, "Medicare Advantage HMO"),
        (ProductType.PPO, "Medicare Advantage PPO"),
    ],
    LineOfBusiness.MEDICAID: [(ProductType.HMO, "Community Care (Medicaid)")],
    LineOfBusiness.MARKETPLACE: [
        (ProductType.EPO, "Marketplace Silver EPO"),
        (ProductType.EPO, "Marketplace Bronze EPO"),
    ],
}

#: X12 service type codes given benefits, with the cost sharing pattern:
#: (code, copay in network, coinsurance % in network, prior auth typical, visits per year)
SERVICE_TYPES = [
    ("30", None, Decimal("20"), False, None),
    ("1", None, Decimal("20"), False, None),
    ("33", Decimal("35"), None, False, 20),
    ("35", None, Decimal("20"), False, 2),
    ("47", None, Decimal("20"), True, None),
    ("48", None, Decimal("20"), True, None),
    ("50", None, Decimal("20"), False, None),
    ("86", Decimal("250"), None, False, None),
    ("88", Decimal("10"), None, False, None),
    ("98", Decimal("25"), None, False, None),
    ("AL", None, Decimal("20"), False, None),
    ("MH", Decimal("25"), None, False, None),
    ("UC", Decimal("50"), None, False, None),
    ("BZ", Decimal("25"), None, False, None),
]

#: (procedure code, description, typical charge, allowed amount, service type)
PROCEDURES = [
    (
        "99203",
        "New patient office visit, low complexity",
        Decimal("180.00"),
        Decimal("110.00"),
        "98",
    ),
    (
        "99213",
        "Established patient office visit, low complexity",
        Decimal("150.00"),
        Decimal("92.00"),
        "98",
    ),
    (
        "99214",
        "Established patient office visit, moderate complexity",
        Decimal("220.00"),
        Decimal("130.00"),
        "98",
    ),
    ("99395", "Preventive visit, 18-39 years", Decimal("260.00"), Decimal("160.00"), "98"),
    ("99396", "Preventive visit, 40-64 years", Decimal("280.00"), Decimal("170.00"), "98"),
    ("36415", "Routine venipuncture", Decimal("25.00"), Decimal("9.00"), "5"),
    ("80053", "Comprehensive metabolic panel", Decimal("60.00"), Decimal("14.00"), "5"),
    ("85025", "Complete blood count", Decimal("45.00"), Decimal("10.00"), "5"),
    ("71046", "Chest X-ray, 2 views", Decimal("140.00"), Decimal("38.00"), "4"),
    ("70551", "MRI brain without contrast", Decimal("1450.00"), Decimal("420.00"), "4"),
    ("72148", "MRI lumbar spine without contrast", Decimal("1380.00"), Decimal("400.00"), "4"),
    ("97110", "Therapeutic exercise, 15 minutes", Decimal("95.00"), Decimal("32.00"), "AE"),
    ("90834", "Psychotherapy, 45 minutes", Decimal("160.00"), Decimal("98.00"), "MH"),
    ("93000", "Electrocardiogram", Decimal("75.00"), Decimal("18.00"), "98"),
    ("20610", "Joint injection, major joint", Decimal("210.00"), Decimal("70.00"), "98"),
    ("27447", "Total knee arthroplasty", Decimal("24500.00"), Decimal("1650.00"), "2"),
    ("95810", "Polysomnography (sleep study)", Decimal("2100.00"), Decimal("640.00"), "4"),
    ("G0439", "Annual wellness visit, subsequent", Decimal("190.00"), Decimal("118.00"), "98"),
]
PROCEDURE_BY_CODE = {p[0]: p for p in PROCEDURES}

#: Services that need prior authorization: (code, description, documentation required).
AUTH_RULES = [
    (
        "70551",
        "MRI of the brain",
        "Clinical notes from the last 60 days; prior imaging results; neurological exam findings.",
    ),
    (
        "72148",
        "MRI of the lumbar spine",
        "Six weeks of documented conservative therapy; neurological deficits if any.",
    ),
    (
        "27447",
        "Total knee replacement",
        "Weight-bearing X-rays; BMI; failed conservative treatment for 3 months.",
    ),
    (
        "95810",
        "Attended sleep study",
        "Sleep questionnaire (e.g. Epworth score); reason home testing is not suitable.",
    ),
    (
        "97110",
        "Physical therapy beyond the initial evaluation",
        "Evaluation with functional goals and a plan of care.",
    ),
]
#: Procedures the plans always approve without review for Medicare Advantage (auto-approval).
AUTO_APPROVE = {"97110"}

ICD10 = [
    "J06.9",
    "I10",
    "E11.9",
    "M54.50",
    "M17.11",
    "G47.33",
    "F41.1",
    "R51.9",
    "Z00.00",
    "E78.5",
    "K21.9",
    "J45.909",
]

PLACES_OF_SERVICE = ["11", "11", "11", "22", "19", "02"]

SPECIALTIES = [
    ("207Q00000X", "Family medicine"),
    ("207R00000X", "Internal medicine"),
    ("208000000X", "Pediatrics"),
    ("207X00000X", "Orthopaedic surgery"),
    ("2084N0400X", "Neurology"),
    ("225100000X", "Physical therapy"),
    ("103T00000X", "Psychology"),
    ("207RC0000X", "Cardiovascular disease"),
    ("2085R0202X", "Diagnostic radiology"),
]

FIRST_NAMES = [
    "Avery",
    "Jordan",
    "Riley",
    "Morgan",
    "Casey",
    "Quinn",
    "Harper",
    "Rowan",
    "Emerson",
    "Sage",
    "Marisol",
    "Tobias",
    "Leona",
    "Dmitri",
    "Ingrid",
    "Kofi",
    "Anaya",
    "Bram",
    "Celeste",
    "Dorian",
    "Elodie",
    "Farid",
    "Greta",
    "Hiro",
    "Imani",
    "Jasper",
    "Kalani",
    "Lucian",
    "Mireille",
    "Nico",
    "Odette",
    "Pavel",
    "Rosalind",
    "Soren",
    "Talia",
    "Ulric",
    "Vesna",
    "Wendell",
    "Xiomara",
    "Yusuf",
    "Zinnia",
    "Amadou",
    "Beatrix",
    "Cormac",
    "Delphine",
    "Eamon",
    "Fiorella",
    "Gideon",
    "Halcyon",
    "Isolde",
]
LAST_NAMES = [
    "Ashgrove",
    "Brightwater",
    "Calloway",
    "Dunmore",
    "Ellery",
    "Fairbanks",
    "Greenhollow",
    "Hartwell",
    "Ivers",
    "Juniper",
    "Kettleby",
    "Larkspur",
    "Merriweather",
    "Northcott",
    "Oakhurst",
    "Pembrook",
    "Quillfeather",
    "Ravensworth",
    "Stonebridge",
    "Thistlewood",
    "Underhill",
    "Vantassel",
    "Wexley",
    "Yarrowby",
    "Zellwood",
    "Amberlyn",
    "Birchfield",
    "Copperfield",
    "Driftwood",
    "Elmsworth",
    "Foxglove",
    "Gallowmere",
    "Hollowell",
    "Ironwood",
    "Jessamine",
    "Kingsley",
    "Lindqvist",
    "Marchbank",
    "Nettleship",
    "Orchardson",
    "Pinecrest",
    "Redfern",
    "Sablewood",
    "Tamarack",
    "Umberfield",
    "Valemont",
]
STREETS = [
    "Cedar",
    "Maple",
    "Willow",
    "Sycamore",
    "Magnolia",
    "Pecan",
    "Juniper",
    "Aspen",
    "Hawthorn",
    "Laurel",
]
CITIES = {
    "TX": [("Austin", "787"), ("Waco", "767"), ("Tyler", "757"), ("Abilene", "796")],
    "OK": [("Norman", "730"), ("Tulsa", "741"), ("Enid", "737")],
    "IL": [("Peoria", "616"), ("Springfield", "627"), ("Champaign", "618"), ("Joliet", "604")],
}
ORG_WORDS = [
    "Bluebonnet",
    "Red River",
    "Prairie",
    "Lakeview",
    "Cottonwood",
    "Meadowbrook",
    "Riverbend",
    "Summit",
    "Pecan Grove",
    "Harbor",
    "Canyon",
    "Clearwater",
    "Oak Hollow",
    "Sandstone",
    "Willowbrook",
    "Frontier",
]
ORG_KINDS = [
    "Family Medicine",
    "Pediatrics",
    "Internal Medicine",
    "Orthopedics",
    "Imaging Center",
    "Physical Therapy",
    "Behavioral Health",
    "Cardiology",
    "Neurology Associates",
    "Primary Care",
]

#: The three named demo offices, one per plan: (plan code, organization name, TIN).
DEMO_OFFICES = [
    ("sunrise-tx", "Bluebonnet Family Medicine", "741234567"),
    ("sunrise-ok", "Red River Primary Care", "731234567"),
    ("lakeshore-il", "Prairie Pediatrics", "361234567"),
]
