"""Realistic demo content for `manage.py seed_demo`: institutions, labs and the words
listings are made of. Fictional institutions and people; real kinds of lab work."""

INSTITUTIONS = [
    (
        "northfield",
        "Northfield University School of Medicine",
        "https://med.northfield.example.edu",
    ),
    ("lakeshore", "Lakeshore Medical Center", "https://www.lakeshore-medical.example.org"),
    ("pacific-state", "Pacific State University", "https://www.pacificstate.example.edu"),
    ("riverside", "Riverside College of Health Sciences", "https://riverside-health.example.edu"),
]

# slug, name, institution, department, PI, city, region, roles, topics, description
LABS = [
    (
        "okafor-hematology",
        "Hematology Research Lab",
        "northfield",
        "Department of Medicine, Division of Hematology",
        "Dr. Amara Okafor",
        "Boston",
        "MA",
        ["research-assistant", "phlebotomist", "lab-technician"],
        ["sickle cell disease", "platelet function", "iron metabolism"],
        "We study how red cells and platelets fail in inherited blood disorders, "
        "from patient samples to mouse models. Students work beside fellows and "
        "technicians and present at our Friday lab meeting.",
    ),
    (
        "whitaker-cancer-genomics",
        "Cancer Genomics Lab",
        "northfield",
        "Department of Pathology",
        "Dr. Daniel Whitaker",
        "Boston",
        "MA",
        ["research-assistant", "lab-technician", "data-analyst"],
        ["tumor sequencing", "liquid biopsy", "RNA extraction"],
        "A translational lab sequencing solid tumours and circulating tumour DNA to "
        "find markers of treatment response.",
    ),
    (
        "chen-neuroimmunology",
        "Neuroimmunology Lab",
        "northfield",
        "Department of Neurology",
        "Dr. Mei Lin Chen",
        "Boston",
        "MA",
        ["research-assistant", "clinical-research-coordinator"],
        ["multiple sclerosis", "microglia imaging", "cerebrospinal fluid biomarkers"],
        "We follow people with multiple sclerosis over years and study the immune "
        "cells that cross into the brain.",
    ),
    (
        "lakeshore-clinical-chemistry",
        "Clinical Chemistry Laboratory",
        "lakeshore",
        "Department of Laboratory Medicine",
        "Dr. Rafael Gutierrez",
        "Chicago",
        "IL",
        ["lab-technician", "phlebotomist"],
        ["point-of-care testing", "quality control", "specimen processing"],
        "The hospital's core chemistry lab: 4,000 specimens a day, run around the "
        "clock, CAP-accredited.",
    ),
    (
        "lakeshore-phlebotomy",
        "Outpatient Phlebotomy Services",
        "lakeshore",
        "Pathology and Laboratory Medicine",
        "Grace Whitfield, MLS(ASCP)",
        "Chicago",
        "IL",
        ["phlebotomist"],
        [
            "outpatient draw station",
            "pediatric clinic",
            "oncology infusion center",
            "inpatient wards",
            "weekend hospital draw team",
        ],
        "Our draw stations see 600 outpatients a day. Students learn venipuncture "
        "under certified phlebotomists and move on to independent draws.",
    ),
    (
        "lakeshore-cardio-outcomes",
        "Cardiovascular Outcomes Research Unit",
        "lakeshore",
        "Division of Cardiology",
        "Dr. Priya Raman",
        "Chicago",
        "IL",
        ["clinical-research-coordinator", "data-analyst", "research-assistant"],
        ["heart failure registry", "cardiac rehabilitation trial", "hypertension outcomes"],
        "We run pragmatic trials and registries in heart failure and hypertension "
        "across four hospitals.",
    ),
    (
        "pacific-microbiome",
        "Microbiome and Infectious Disease Lab",
        "pacific-state",
        "Department of Microbiology",
        "Dr. Samuel Osei",
        "Seattle",
        "WA",
        ["research-assistant", "lab-technician"],
        ["gut microbiome", "antibiotic resistance", "bacterial culture"],
        "We grow what others only sequence: anaerobic culture of gut bacteria and "
        "the genes that let them resist antibiotics.",
    ),
    (
        "pacific-surgical-pathology",
        "Surgical Pathology Laboratory",
        "pacific-state",
        "Department of Pathology",
        "Dr. Helena Marsh",
        "Seattle",
        "WA",
        ["pathology-assistant", "lab-technician"],
        ["grossing room", "frozen sections", "histology"],
        "An academic surgical pathology service handling 30,000 cases a year, with "
        "a pathologists' assistant training track.",
    ),
    (
        "pacific-biostatistics",
        "Biostatistics and Data Science Core",
        "pacific-state",
        "School of Public Health",
        "Dr. Jonah Feldman",
        "Seattle",
        "WA",
        ["data-analyst", "research-assistant"],
        ["electronic health records", "REDCap databases", "survival analysis"],
        "We help clinical investigators design studies and analyse their data, "
        "mostly in R and Python.",
    ),
    (
        "riverside-molecular-diagnostics",
        "Molecular Diagnostics Lab",
        "riverside",
        "Clinical Laboratory Science Program",
        "Dr. Lucia Herrera",
        "Austin",
        "TX",
        ["lab-technician", "phlebotomist", "pathology-assistant"],
        ["PCR testing", "respiratory virus panels", "newborn screening"],
        "A teaching diagnostics lab that runs PCR panels for the college clinic and "
        "trains clinical lab science students.",
    ),
]

TITLES = {
    "research-assistant": [
        "Undergraduate Research Assistant: {topic}",
        "Research Assistant, {topic} studies",
        "Summer Research Assistant, {topic}",
    ],
    "lab-technician": [
        "Student Lab Technician, {topic}",
        "Part-time Laboratory Technician: {topic}",
    ],
    "phlebotomist": [
        "Student Phlebotomist, {topic}",
        "Phlebotomy Technician (part-time), {topic}",
    ],
    "pathology-assistant": [
        "Pathology Assistant (student), {topic}",
        "Grossing and Pathology Assistant: {topic}",
    ],
    "clinical-research-coordinator": [
        "Clinical Research Coordinator Assistant: {topic}",
        "Student Research Coordinator, {topic}",
    ],
    "data-analyst": [
        "Student Data Analyst: {topic}",
        "Research Data Analyst (part-time), {topic}",
    ],
}

OPENERS = {
    "research-assistant": "Join our team as a research assistant working on {topic}. You will "
    "collect data, process samples and help with literature reviews, and you will "
    "see a project through from protocol to poster.",
    "lab-technician": "We need a reliable student technician for our work on {topic}. You "
    "will run routine tests, prepare samples and keep equipment calibrated and logged.",
    "phlebotomist": "Draw blood and care for patients at our {topic}. You will perform "
    "venipuncture and capillary collections, label and handle specimens, and put "
    "nervous patients at ease.",
    "pathology-assistant": "Assist our pathologists in the {topic}: grossing surgical "
    "specimens, preparing cassettes and learning how disease shows itself under the "
    "microscope and in diagnostic procedures.",
    "clinical-research-coordinator": "Help coordinate our {topic}: screening and consenting "
    "participants, scheduling visits and keeping case report forms and regulatory "
    "binders in order.",
    "data-analyst": "Clean, analyse and visualise data for our {topic} projects in R or "
    "Python, and help investigators turn questions into tables and figures.",
}

LEARNING = {
    "research-assistant": [
        "study design and protocols",
        "good laboratory practice",
        "how to read and summarise papers",
        "presenting at lab meeting",
    ],
    "lab-technician": [
        "quality control and calibration",
        "pipetting and sample preparation",
        "laboratory safety",
        "documentation for accreditation",
    ],
    "phlebotomist": [
        "venipuncture technique",
        "order of draw",
        "patient communication",
        "specimen handling and transport",
    ],
    "pathology-assistant": [
        "gross examination",
        "frozen section preparation",
        "histology workflow",
        "disease mechanisms",
    ],
    "clinical-research-coordinator": [
        "informed consent",
        "good clinical practice",
        "REDCap data entry",
        "IRB submissions",
    ],
    "data-analyst": [
        "reproducible analysis in R",
        "data cleaning",
        "survival analysis",
        "working with clinical investigators",
    ],
}

RESPONSIBILITIES = {
    "research-assistant": [
        "Collect and enter study data accurately",
        "Process and aliquot blood and tissue samples",
        "Run literature searches and summarise findings",
        "Prepare reagents and keep the bench stocked",
        "Maintain the sample inventory and freezer logs",
        "Present a short update at lab meeting each month",
    ],
    "lab-technician": [
        "Run diagnostic and research assays following written protocols",
        "Prepare samples, media and reagents",
        "Calibrate and maintain instruments; record quality control",
        "Receive, log and store specimens",
        "Clean and restock work areas at the end of each shift",
    ],
    "phlebotomist": [
        "Perform venipuncture and capillary draws",
        "Verify patient identity and label every tube at the bedside",
        "Process, centrifuge and route specimens",
        "Follow infection-control and sharps procedures",
        "Calm anxious patients and explain each step",
    ],
    "pathology-assistant": [
        "Assist with gross examination and dictation of surgical specimens",
        "Prepare tissue cassettes and frozen sections",
        "Photograph specimens for the case record",
        "Track specimens from receipt to sign-out",
        "Keep the grossing station clean and stocked",
    ],
    "clinical-research-coordinator": [
        "Screen clinic schedules for eligible participants",
        "Obtain informed consent under supervision",
        "Schedule study visits and send reminders",
        "Complete case report forms in REDCap",
        "File regulatory documents and track IRB approvals",
    ],
    "data-analyst": [
        "Clean and merge datasets from REDCap and the health record",
        "Write reproducible analysis scripts in R or Python",
        "Produce tables and figures for manuscripts",
        "Document data dictionaries and code",
    ],
}

SKILLS = {
    "research-assistant": [
        "attention to detail",
        "following protocols",
        "teamwork",
        "pipetting",
        "Microsoft Excel",
        "scientific writing",
    ],
    "lab-technician": [
        "attention to detail",
        "following protocols",
        "pipetting",
        "time management",
        "laboratory safety",
    ],
    "phlebotomist": [
        "patient communication",
        "steady hands",
        "following protocols",
        "attention to detail",
        "empathy",
    ],
    "pathology-assistant": [
        "attention to detail",
        "anatomy knowledge",
        "following protocols",
        "strong stomach",
        "teamwork",
    ],
    "clinical-research-coordinator": [
        "organisation",
        "patient communication",
        "attention to detail",
        "REDCap",
        "confidentiality",
    ],
    "data-analyst": [
        "R",
        "Python",
        "SQL",
        "statistics",
        "attention to detail",
        "data visualisation",
    ],
}

CERTIFICATIONS = {
    "research-assistant": [[], ["citi-human-subjects"], ["bloodborne-pathogens"]],
    "lab-technician": [["bloodborne-pathogens"], [], ["bloodborne-pathogens", "hipaa"]],
    "phlebotomist": [
        ["phlebotomy-certification", "bls-cpr", "bloodborne-pathogens"],
        ["bls-cpr", "bloodborne-pathogens"],
        ["phlebotomy-certification", "hipaa"],
    ],
    "pathology-assistant": [["bloodborne-pathogens"], ["bloodborne-pathogens", "hipaa"]],
    "clinical-research-coordinator": [["citi-human-subjects", "hipaa"], ["citi-human-subjects"]],
    "data-analyst": [["hipaa"], ["citi-human-subjects", "hipaa"], []],
}

CLOSERS = [
    "Training is provided; curiosity and reliability matter more than experience.",
    "Shifts are planned around exam weeks and clinical rotations.",
    "Most students stay for at least two semesters, and many co-author an abstract.",
    "You will have a named mentor and a weekly check-in.",
]

DEMO_COVER_LETTER = """Dear hiring team,

I am a second-year medical student applying for the {title} position. Last summer I \
processed and logged more than 300 blood samples in a hematology lab, following its \
protocols for labelling and storage, and I entered study data in REDCap.

I can give 10 hours a week around my classes, and I am certified in BLS and HIPAA.

Thank you for considering my application.
Jordan Lee"""
