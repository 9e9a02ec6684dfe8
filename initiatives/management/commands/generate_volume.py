"""Many realistic case studies for benchmarks: `manage.py generate_volume --initiatives N`.

The case studies use the taxonomy already in the database (run `load_portal_content` first) and
are told in words drawn from vocabularies of development sectors, interventions, places and
specialist terms: common words appear in most rows and the rarest terms in well under 1% of them,
so that searching the generated content behaves like searching real content.

Rows are written with bulk_create, a batch per transaction, so no save() runs and no signal is
sent: the command sets the dates and slugs itself, refreshes the search index of each batch
(`initiatives.search.refresh_search_index`, unless --no-search-index) and finally tells every
process that the filter choices changed (`publishing.choices.content_changed`).

Generated rows are recognisable by their slugs: `vol-<number>-<title>` for case studies and
`vol-org-<number>-<name>` for the organisations made for them. `--clear` removes both.
"""

import bisect
import itertools
import random
import re
import secrets
import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import slugify

from core.signals import send_content_changed as content_changed
from initiatives.models import (
    CooperationForm,
    CountryRole,
    Initiative,
    InitiativeCountry,
    InitiativeOrganisation,
    Modality,
    OrganisationRole,
    ProjectStatus,
)
from publishing.models import Status
from publishing.search import refresh_search_index
from taxonomy.models import SDG, Country, Organisation, Region, Source, Theme

SLUG_PREFIX = "vol-"
SLUG_NUMBER = re.compile(r"^vol-(\d+)-")
GENERATED_SLUG_REGEX = r"^vol-[0-9]+-"
ORG_SLUG_PREFIX = "vol-org-"
ORGANISATIONS_WANTED = 200
YEARS_OF_PUBLICATION = 12
FEATURED_SHARE = 0.001


def terms(text):
    """A vocabulary written as one string: "maize; cassava; rice" -> ["maize", ...]."""
    return [term.strip() for term in text.split(";")]


# --- Vocabularies ---------------------------------------------------------------------------
# In every list the first entries are the common ones: picks follow a Zipf-like curve, so the
# last entries of the longer lists turn up in only a small fraction of the case studies.
# "organisations": words in the names of the organisations that work in the sector.

SECTORS = {
    "agriculture": {
        "weight": 16,
        "themes": ["agriculture-and-food-security", "climate", "trade-and-investment"],
        "sdgs": [2, 1, 15, 13, 12],
        "organisations": terms("Agricult; Food"),
        "interventions": terms(
            "solar irrigation; drip irrigation; conservation agriculture; farmer field schools; "
            "seed multiplication; post-harvest storage; mobile extension services; soil fertility "
            "mapping; integrated pest management; weather index insurance; warehouse receipt "
            "systems; agroforestry; the System of Rice Intensification; small-scale mechanisation;"
            " cassava processing; dairy value chains; greenhouse horticulture; livestock "
            "vaccination"
        ),
        "topics": terms(
            "agricultural extension; seed certification; land tenure registration; crop insurance;"
            " agricultural statistics; rural credit; cooperative development; irrigation "
            "management; plant health inspection; strategic grain reserves; agricultural research"
        ),
        "groups": terms(
            "smallholder farmers; women farmers; farmer cooperatives; rural youth; pastoralists; "
            "agro-processors; seed producers"
        ),
        "institutions": terms(
            "ministry of agriculture; national agricultural research institute; extension service;"
            " national seed agency; farmers' federation"
        ),
        "specifics": terms(
            "maize; cassava; rice; sorghum; groundnut; cowpea; pearl millet; sesame; cashew; "
            "cocoa; arabica coffee; teff; quinoa; shea; pigeon pea; yam; plantain; cotton; fall "
            "armyworm; cassava mosaic disease; banana wilt; aflatoxin; hermetic storage bags; zaï "
            "pits; half-moon basins; push-pull technology; vermicompost; biochar; fonio; moringa; "
            "vanilla; Striga; desert locust; camelids"
        ),
    },
    "health": {
        "weight": 15,
        "themes": ["health", "emergency-response-and-recovery", "women-and-youth"],
        "sdgs": [3, 5, 10, 6],
        "organisations": terms("Health; Children"),
        "interventions": terms(
            "community health workers; telemedicine; mobile clinics; vaccine cold chains; rapid "
            "diagnostic tests; maternity waiting homes; electronic health records; blood bank "
            "networks; genomic surveillance; emergency ambulance dispatch; hospital waste "
            "management; local vaccine production; eye care camps; mental health first aid"
        ),
        "topics": terms(
            "universal health coverage; disease surveillance; immunisation logistics; maternal and"
            " newborn health; pharmaceutical regulation; health financing; primary health care; "
            "health workforce planning; non-communicable disease prevention; mental health "
            "services"
        ),
        "groups": terms(
            "pregnant women; rural health centres; community health workers; nurses and midwives; "
            "people living with HIV; children under five; older people"
        ),
        "institutions": terms(
            "ministry of health; national public health institute; central medical stores; "
            "national reference laboratory; medicines regulatory authority; teaching hospital"
        ),
        "specifics": terms(
            "malaria; tuberculosis; HIV; measles; cholera; dengue; polio; hypertension; diabetes; "
            "cervical cancer; yellow fever; Ebola; hepatitis B; sickle cell disease; kangaroo "
            "mother care; oral rehydration salts; artemisinin; GeneXpert; cataract surgery; "
            "leishmaniasis; schistosomiasis; trachoma; rabies; Zika; chikungunya; snakebite "
            "envenoming; onchocerciasis; lymphatic filariasis; Chagas disease; mpox"
        ),
    },
    "nutrition": {
        "weight": 7,
        "themes": ["nutrition", "agriculture-and-food-security", "health"],
        "sdgs": [2, 3, 4],
        "organisations": terms("Nutrition; Food; Children"),
        "interventions": terms(
            "school feeding; home-grown school meals; food fortification; biofortified crops; "
            "micronutrient supplementation; community nutrition gardens; nutrition surveillance; "
            "breastfeeding promotion"
        ),
        "topics": terms(
            "school feeding programmes; food fortification standards; stunting reduction; "
            "nutrition-sensitive agriculture; food safety regulation; public food procurement from"
            " family farms"
        ),
        "groups": terms(
            "school children; children under five; adolescent girls; breastfeeding mothers; family"
            " farmers"
        ),
        "institutions": terms(
            "national nutrition council; school feeding agency; food standards bureau"
        ),
        "specifics": terms(
            "stunting; anaemia; wasting; iodised salt; fortified flour; vitamin A; iron-folic "
            "acid; zinc; orange-fleshed sweet potato; iron-rich beans; micronutrient powders; "
            "ready-to-use therapeutic food; Fome Zero; PNAE; spirulina"
        ),
    },
    "energy": {
        "weight": 10,
        "themes": ["climate", "digital-and-technology-transfer", "trade-and-investment"],
        "sdgs": [7, 13, 9, 11],
        "organisations": terms("Energy; Climate"),
        "interventions": terms(
            "solar mini-grids; solar home systems; clean cookstoves; biogas digesters; energy "
            "efficiency labelling; wind resource mapping; small hydropower; geothermal "
            "exploration; electric mobility pilots; solar water pumping; grid extension planning"
        ),
        "topics": terms(
            "off-grid electrification; renewable energy regulation; nationally determined "
            "contributions; climate finance readiness; greenhouse gas inventories; carbon markets;"
            " energy access planning"
        ),
        "groups": terms(
            "off-grid villages; rural schools; energy utilities; energy regulators; island "
            "communities; small businesses"
        ),
        "institutions": terms(
            "ministry of energy; rural electrification agency; energy regulatory commission; "
            "national utility"
        ),
        "specifics": terms(
            "photovoltaic panels; lithium batteries; pay-as-you-go; net metering; feed-in tariffs;"
            " bagasse cogeneration; bamboo charcoal; jatropha; green hydrogen; run-of-river "
            "turbines; smart meters; REDD+; peatlands; lignite"
        ),
    },
    "water": {
        "weight": 8,
        "themes": ["climate", "health", "urbanisation"],
        "sdgs": [6, 3, 11, 15],
        "organisations": terms("Water"),
        "interventions": terms(
            "rainwater harvesting; community water kiosks; groundwater mapping; borehole drilling;"
            " wastewater reuse; faecal sludge management; handwashing stations; watershed "
            "management; solar desalination; sanitation marketing"
        ),
        "topics": terms(
            "water utility management; integrated water resources management; transboundary water "
            "cooperation; rural sanitation; water quality monitoring; non-revenue water reduction"
        ),
        "groups": terms(
            "rural households; peri-urban settlements; schools; water user associations; health "
            "centres"
        ),
        "institutions": terms(
            "national water utility; water resources authority; river basin organisation"
        ),
        "specifics": terms(
            "aquifers; hand pumps; prepaid water meters; open defecation; arsenic; fluoride; check"
            " dams; sand dams; cisterns; ecological sanitation; qanats; bio-sand filters"
        ),
    },
    "education": {
        "weight": 9,
        "themes": ["women-and-youth", "digital-and-technology-transfer", "human-rights"],
        "sdgs": [4, 8, 5, 10],
        "organisations": terms("Education; Vocational; Children"),
        "interventions": terms(
            "technical and vocational training; teacher training; distance learning; digital "
            "classrooms; apprenticeship schemes; adult literacy campaigns; scholarship programmes;"
            " open educational resources; radio lessons"
        ),
        "topics": terms(
            "curriculum reform; teacher certification; vocational qualifications frameworks; early"
            " childhood education; inclusive education; higher education quality assurance; "
            "education management information systems"
        ),
        "groups": terms(
            "young people; out-of-school girls; teachers; adult learners; students with "
            "disabilities; technical instructors"
        ),
        "institutions": terms(
            "ministry of education; national training authority; teacher training college; public "
            "university"
        ),
        "specifics": terms(
            "literacy; numeracy; STEM; mother-tongue instruction; tablets; braille; sign language;"
            " Yo, sí puedo; SENAI; mechatronics; welding; tailoring; hospitality; solar "
            "technicians"
        ),
    },
    "social_protection": {
        "weight": 8,
        "themes": ["human-rights", "women-and-youth", "emergency-response-and-recovery"],
        "sdgs": [1, 10, 5, 2],
        "organisations": terms("Social Protection; Statistics; Children"),
        "interventions": terms(
            "conditional cash transfers; social registries; public works programmes; social "
            "pensions; child grants; graduation programmes; disability benefits; unemployment "
            "insurance"
        ),
        "topics": terms(
            "social protection registries; targeting of cash transfers; shock-responsive social "
            "protection; pension reform; poverty measurement; child benefits"
        ),
        "groups": terms(
            "poor households; older people; persons with disabilities; informal workers; "
            "female-headed households"
        ),
        "institutions": terms(
            "ministry of social development; social security institute; national statistics office"
        ),
        "specifics": terms(
            "Bolsa Família; Cadastro Único; proxy means tests; biometric enrolment; "
            "multidimensional poverty index; Prospera; Juntos; Tekoporã; MGNREGA; Chile Solidario;"
            " Renta Dignidad"
        ),
    },
    "digital": {
        "weight": 9,
        "themes": ["digital-and-technology-transfer", "trade-and-investment"],
        "sdgs": [9, 17, 16, 8],
        "organisations": terms("Digital; Statistics"),
        "interventions": terms(
            "digital identity systems; e-government portals; mobile money; open data platforms; "
            "broadband backbones; cybersecurity response teams; geospatial information systems; "
            "e-procurement; satellite imagery analysis; drone mapping; digital payment systems"
        ),
        "topics": terms(
            "digital public infrastructure; data protection; e-government services; "
            "interoperability frameworks; spectrum management; digital skills; cybersecurity"
        ),
        "groups": terms(
            "civil servants; start-ups; small businesses; rural post offices; software developers"
        ),
        "institutions": terms(
            "national ICT agency; telecommunications regulator; national computer emergency "
            "response team; space agency"
        ),
        "specifics": terms(
            "open source; mobile phones; QR codes; fibre optic; machine learning; USSD; DHIS2; "
            "MOSIP; X-Road; application programming interfaces; Sentinel imagery; LiDAR; M-Pesa; "
            "PIX; Aadhaar; blockchain"
        ),
    },
    "trade": {
        "weight": 7,
        "themes": ["trade-and-investment", "agriculture-and-food-security"],
        "sdgs": [8, 9, 17, 12],
        "organisations": terms("Trade"),
        "interventions": terms(
            "single windows for trade; customs modernisation; export promotion; quality "
            "infrastructure; special economic zones; trade facilitation; investment promotion; "
            "geographical indications; commodity exchanges"
        ),
        "topics": terms(
            "customs valuation; rules of origin; sanitary and phytosanitary standards; investment "
            "policy; export diversification; e-commerce regulation; competition policy"
        ),
        "groups": terms(
            "exporters; small and medium enterprises; customs officers; women traders; "
            "cross-border traders"
        ),
        "institutions": terms(
            "customs authority; investment promotion agency; national standards bureau; chamber of"
            " commerce"
        ),
        "specifics": terms(
            "tariffs; textiles; handicrafts; leather; spices; cut flowers; AfCFTA; MERCOSUR; "
            "ASEAN; ASYCUDA; ISO 17025; halal certification; coffee cupping; gemstones"
        ),
    },
    "urban": {
        "weight": 6,
        "themes": ["urbanisation", "climate"],
        "sdgs": [11, 9, 6, 13],
        "organisations": terms("Urban"),
        "interventions": terms(
            "bus rapid transit; slum upgrading; solid waste recycling; participatory budgeting; "
            "affordable housing finance; street addressing; urban flood management; land "
            "readjustment"
        ),
        "topics": terms(
            "urban planning; municipal revenue; housing policy; public transport; cadastre "
            "modernisation; municipal finance"
        ),
        "groups": terms(
            "municipal governments; informal settlements; waste pickers; street vendors; commuters"
        ),
        "institutions": terms("city council; national housing agency; land registry"),
        "specifics": terms(
            "zoning; property tax; composting; cycle lanes; minibus taxis; landfill gas; "
            "TransMilenio; favelas; tricycles; green roofs"
        ),
    },
    "disasters": {
        "weight": 7,
        "themes": ["emergency-response-and-recovery", "climate", "peace-and-security"],
        "sdgs": [11, 13, 1, 3],
        "organisations": terms("Disaster; Climate"),
        "interventions": terms(
            "early warning systems; search and rescue training; emergency shelters; post-disaster "
            "needs assessments; seismic retrofitting; flood forecasting; drought contingency "
            "plans; humanitarian logistics; cash-based assistance"
        ),
        "topics": terms(
            "disaster risk reduction; civil protection; emergency preparedness; recovery planning;"
            " disaster risk financing"
        ),
        "groups": terms(
            "displaced families; first responders; volunteers; refugee-hosting communities; "
            "coastal communities"
        ),
        "institutions": terms(
            "civil protection agency; national disaster management office; national meteorological"
            " service"
        ),
        "specifics": terms(
            "floods; droughts; cyclones; earthquakes; hurricanes; landslides; typhoons; tsunamis; "
            "Sendai Framework; parametric insurance; catastrophe bonds; volcanic ash; glacial lake"
            " outburst floods"
        ),
    },
    "governance": {
        "weight": 8,
        "themes": ["peace-and-security", "human-rights"],
        "sdgs": [16, 5, 10, 17],
        "organisations": terms("Peace; Genocide; Tax; Statistics"),
        "interventions": terms(
            "humanitarian demining; mediation training; community policing; electoral management; "
            "judicial case management; atrocity prevention training; public audits; civil "
            "registration; tax administration reform; transitional justice"
        ),
        "topics": terms(
            "the rule of law; public financial management; election administration; genocide "
            "prevention; human rights monitoring; access to justice; civil registration and vital "
            "statistics; domestic resource mobilisation"
        ),
        "groups": terms(
            "judges; police officers; election officials; local mediators; human rights defenders;"
            " parliamentarians; tax inspectors"
        ),
        "institutions": terms(
            "supreme audit institution; electoral commission; national human rights institution; "
            "revenue authority; ombudsman's office"
        ),
        "specifics": terms(
            "landmines; birth certificates; court backlogs; VAT; unexploded ordnance; "
            "peacekeeping; truth commissions; forensic anthropology; transfer pricing; ballot "
            "logistics; beneficial ownership"
        ),
    },
    "gender": {
        "weight": 7,
        "themes": ["women-and-youth", "human-rights", "trade-and-investment"],
        "sdgs": [5, 8, 10, 4],
        "organisations": terms("Gender; Vocational"),
        "interventions": terms(
            "women's entrepreneurship; youth employment services; prevention of gender-based "
            "violence; women's cooperatives; business incubators; microfinance for women; digital "
            "skills for girls; mentoring networks"
        ),
        "topics": terms(
            "gender-responsive budgeting; women's economic empowerment; youth employment policy; "
            "prevention of gender-based violence; women's political participation"
        ),
        "groups": terms(
            "women entrepreneurs; young people; adolescent girls; survivors of violence; young "
            "women"
        ),
        "institutions": terms(
            "ministry of women's affairs; national youth council; national employment agency"
        ),
        "specifics": terms(
            "savings groups; seed capital; safe spaces; coding clubs; one-stop centres; child "
            "marriage; shea butter; basketry; maternity leave"
        ),
    },
    "oceans": {
        "weight": 5,
        "themes": ["agriculture-and-food-security", "climate", "trade-and-investment"],
        "sdgs": [14, 2, 8, 13],
        "organisations": terms("Fisheries; Food"),
        "interventions": terms(
            "small-scale fisheries management; aquaculture; improved fish smoking ovens; marine "
            "protected areas; vessel monitoring; seaweed farming; cold storage for fish; mangrove "
            "restoration"
        ),
        "topics": terms(
            "fisheries governance; marine spatial planning; control of illegal fishing; the blue "
            "economy"
        ),
        "groups": terms(
            "fishing communities; fish processors; coastal women; fishers' associations"
        ),
        "institutions": terms("fisheries department; marine research institute; coast guard"),
        "specifics": terms(
            "tilapia; tuna; catfish; mangroves; coral reefs; seaweed; sea cucumber; oysters; "
            "octopus closures; sargassum; coral gardening; FAO-Thiaroye ovens; pearl oysters"
        ),
    },
    "finance": {
        "weight": 5,
        "themes": ["trade-and-investment", "human-rights"],
        "sdgs": [8, 10, 17, 1],
        "organisations": terms("Financial; Tax"),
        "interventions": terms(
            "financial inclusion strategies; agent banking; credit guarantee schemes; development "
            "bank lending; low-cost remittance channels; microinsurance"
        ),
        "topics": terms(
            "banking supervision; financial inclusion; public debt management; public investment "
            "management; statistical capacity; monetary policy"
        ),
        "groups": terms(
            "unbanked households; micro-enterprises; central bank staff; migrant workers"
        ),
        "institutions": terms(
            "central bank; ministry of finance; national development bank; debt management office"
        ),
        "specifics": terms(
            "remittances; mobile wallets; credit bureaus; payment systems; sovereign bonds; "
            "Islamic finance; sukuk; currency swaps; inflation targeting"
        ),
    },
}

METHODS = terms(
    "technical workshops; study tours; expert missions; training-of-trainers courses; online "
    "courses; exchange visits; twinning between institutions; on-the-job training; joint research;"
    " policy dialogues; secondments of specialists; communities of practice; peer reviews; "
    "knowledge fairs; south-south mentoring; hackathons"
)
CHALLENGES = terms(
    "limited technical capacity; scarce public funding; weak coordination between ministries; "
    "fragmented and outdated data; high staff turnover; long distances to public services; "
    "recurrent droughts; rapid population growth; rising food prices; low connectivity in rural "
    "areas; dependence on imports; gender gaps in access to services; the after-effects of the "
    "COVID-19 pandemic; outdated legislation; insecurity in border areas; repeated flooding; a "
    "heavy public debt burden; informal employment; soil degradation; the loss of skilled workers "
    "to emigration"
)
GENERIC_PLACES = terms(
    "rural districts; border provinces; coastal districts; peri-urban settlements; highland "
    "municipalities; drylands; river valleys; remote islands; northern provinces; southern "
    "provinces; secondary cities; capital region"
)
# Places by M49 region code, for the case studies whose first beneficiary lies there.
REGION_PLACES = {
    "011": terms(
        "Sahel; Niger River basin; Lake Chad basin; Senegal River valley; Fouta Djallon highlands"
    ),
    "014": terms("Horn of Africa; Lake Victoria basin; Rift Valley; Zambezi valley; Ogaden region"),
    "017": terms("Congo Basin; Lake Chad basin; Ubangi basin; Batéké plateau"),
    "018": terms("Kalahari; Limpopo basin; Okavango delta; Drakensberg"),
    "015": terms("Nile delta; Atlas mountains; Saharan oases; Maghreb coast"),
    "005": terms("Andean highlands; Amazon basin; Gran Chaco; Altiplano; Pantanal"),
    "013": terms("Dry Corridor; Pacific coast; Mesoamerican reef; Petén lowlands"),
    "029": terms("Eastern Caribbean; Windward Islands; Greater Antilles; Leeward Islands"),
    "034": terms("Ganges delta; Terai; Hindu Kush; Thar desert; Indus basin"),
    "035": terms("Mekong delta; Tonle Sap; Irrawaddy delta; Coral Triangle; Mindanao uplands"),
    "030": terms("Gobi; Loess Plateau; Yangtze basin"),
    "143": terms("Aral Sea basin; Fergana valley; Pamir mountains"),
    "145": terms("Jordan valley; Tigris-Euphrates basin; Arabian Peninsula; South Caucasus"),
    "054": terms("New Guinea highlands; Solomon Sea; Melanesian islands"),
    "057": terms("outer atolls; Micronesian islands"),
    "061": terms("Polynesian atolls; South Pacific islands"),
}
FIRST_NAMES = terms(
    "Amina; Kwame; Li; Ana; Mohammed; Fatou; Rahul; Thandiwe; Carlos; Nguyen; Aisha; Juan; Mariam;"
    " Tendai; Sofia; Kofi; Priya; Omar; Lucia; Ibrahim; Chen; Grace; Diego; Zainab; Rafael; "
    "Nomvula; Ahmed; Esperanza; Tupac; Leilani; Farida; Bongani; Camila; Samuel; Hana; Yusuf"
)
SURNAMES = terms(
    "Diallo; Mensah; Wang; Pérez; Hassan; Ndiaye; Sharma; Dlamini; Rodríguez; Tran; Bello; Gómez; "
    "Kamara; Moyo; Silva; Owusu; Patel; Haddad; Fernández; Abubakar; Zhang; Achieng; Morales; "
    "Sesay; Santos; Nkosi; Farouk; Quispe; Kaur; Banda; Mwangi; Rahman; Ortiz; Tuilagi; Nasser; "
    "Okafor"
)
ORGANISATION_FIELDS = terms(
    "Agriculture; Public Health; Renewable Energy; Water Management; Social Protection; Digital "
    "Government; Trade Facilitation; Urban Development; Disaster Risk Reduction; Peacebuilding; "
    "Gender Equality; Fisheries; Financial Inclusion; Vocational Training; Statistics; Nutrition; "
    "Climate Adaptation; Tax Administration; Food Security; Education"
)

# Sentences. {P}: provider, {B}: beneficiaries, {B1}: first beneficiary, {F}: facilitator,
# {R}: region, {place}, {intervention}, {topic}, {group}, {inst}, {pinst}, {spec1}-{spec3},
# {method}, {method2}, {challenge}, {challenge2}, {org}, {org2} and numbers.
TITLES = {
    "any": [
        "{Intervention} for {group} in {B1}",
        "Strengthening {topic} in {B1}",
        "{Intervention} in the {place} of {B1}",
        "Improving {topic} for {group} in {B}",
        "{Intervention} and {spec1}: support to {group} in {B1}",
    ],
    "provider": [
        "{P} supports {topic} in {B1}",
        "Peer learning on {topic} between {P} and {B1}",
        "{Intervention}: the experience of {P} adapted in {B1}",
        "{P} and {B1} cooperate on {topic}",
        "Technical cooperation on {topic} from {P} to {B}",
        "From {P} to {B1}: {intervention} for {group}",
        "Strengthening {topic} in {B1} with expertise from {P}",
    ],
    "triangular": [
        "Triangular cooperation on {topic} between {P}, {B1} and {F}",
        "{Intervention} for {group} in {B1}, with {P} and {F}",
        "{P}, {F} and {B1}: a partnership on {topic}",
    ],
    "regional": [
        "Regional programme on {topic} in {R}",
        "Scaling up {intervention} across {R}",
        "{Intervention} for {group} in {B}",
        "A network on {topic} in {R}",
    ],
    "multilateral": [
        "South-South learning platform on {topic}",
        "Programme on {intervention} for {group}, led by the {org}",
        "Sharing solutions in {topic} among countries of the South",
    ],
}
SUMMARY = [
    "{P} shared its experience of {intervention} with {B}.",
    "The initiative introduced {intervention} for {group} in {B}.",
    "Partners in {P} and {B1} worked together on {topic} for {years} years.",
    "Through {method} and {method2}, the {inst} of {B1} adapted approaches first tested in {P}.",
    "The work focused on {spec1} and {spec2}, and reached about {n_people} people.",
    "{F} financed the exchange and helped the partners plan it.",
    "The {org} coordinated the work with the {inst} of {B1}.",
    "The case shows how {topic} can improve the lives of {group} in the {place}.",
]
CHALLENGE = [
    "In {B1}, {group} faced {challenge} and {challenge2}.",
    "Before the initiative, only {pct} per cent of {group} in the {place} had access to "
    "{intervention}.",
    "The {inst} lacked the staff and tools needed for {topic}.",
    "{Spec1} and {spec2} were pressing concerns for {group}.",
    "National plans named {topic} a priority, but {challenge} slowed progress.",
    "Data on {spec1} were collected on paper and rarely reached decision makers.",
    "Previous projects had tested {intervention} in a few pilot sites without scaling up.",
    "Women and young people were the most affected by {challenge}.",
    "Few parts of {B1} are as exposed to {hazard} as the {place}.",
    "Services were concentrated in the capital, far from most {group}.",
]
SOLUTION = [
    "{P} shared its {pinst}'s methods for {topic} through {method} and {method2}.",
    "Specialists from {P} worked alongside the {inst} of {B1} for {years} years.",
    "The partners trained {n_staff} staff of the {inst} in {intervention}.",
    "A joint team adapted the work on {spec1} to local conditions in the {place}.",
    "{F} covered the travel and training costs and hosted the partners' meetings.",
    "The {org} provided technical assistance and managed the procurement of equipment.",
    "The {org2} supported monitoring and helped document the lessons learned.",
    "Guidelines, manuals and a curriculum on {topic} were translated and adapted.",
    "Pilots in {n_inst} sites tested {intervention} before national roll-out.",
    "The partners set up a shared database to follow {spec2}.",
    "Local institutions took charge of the activities from the second year.",
]
RESULTS = [
    "By {end}, {n_people} people had benefited from {intervention}.",
    "The coverage of {topic} rose from {pct} to {pct2} per cent.",
    "{N_inst} institutions adopted the new procedures.",
    "Work on {spec1} was extended to {n_inst} more districts.",
    "{N_staff} staff of the {inst} were trained, {pct2} per cent of them women.",
    "The government of {B1} included {intervention} in its national development plan.",
    "Costs per beneficiary fell by about {pct} per cent.",
    "An independent evaluation found that incomes of {group} rose by {pct} per cent.",
    "The results were presented at the Global South-South Development Expo.",
    "The approach is now financed from the national budget.",
]
REPLICATION = [
    "The approach can be adapted in other countries of {R} facing {challenge}.",
    "Several neighbouring countries have asked {P} for similar support.",
    "Replication depends on political commitment and on trained staff for {topic}.",
    "The manuals on {spec1} are available in several languages and free to reuse.",
    "The model suits countries with large numbers of {group} and limited budgets.",
    "{F} plans to support a second phase in {R}.",
    "Lessons on {intervention} were shared through the South-South Galaxy platform.",
    "Costs are modest, which makes the approach attractive to small island and landlocked states.",
]

# Providers that lead much South-South cooperation, by ISO code, and the donors that most often
# facilitate triangular cooperation. Absent codes are ignored.
MAJOR_PROVIDERS = set(
    terms(
        "BR; CN; IN; ZA; MX; TR; ID; CL; CO; CU; AR; EG; MA; TH; MY; SG; AE; SA; QA; KE; NG; GH; "
        "RW; TN; PE; UY; CR; VN; EC"
    )
)
FACILITATORS = set(
    terms("JP; DE; KR; ES; NO; SE; GB; US; FR; NL; CA; AU; IT; CH; DK; FI; IE; LU; BE; PT; AT; NZ")
)
NORTHERN_PATHS = ("150/", "019/021/", "009/053/")
NORTHERN_CODES = {"JP", "KR", "IL"}
# Territories rather than states: beneficiaries and providers only now and then.
TERRITORIES = set(
    terms(
        "AS; AI; AW; AX; BL; BM; BQ; CK; CW; EH; FK; FO; GF; GG; GI; GL; GP; GU; HK; IM; JE; KY; "
        "MF; MO; MP; MQ; MS; NC; NU; PF; PM; PR; RE; SH; SX; TC; TK; VG; VI; WF; YT"
    )
)
UNINHABITED = {"AQ", "BV", "HM", "GS", "TF", "IO", "UM", "PN", "SJ", "CX", "CC", "NF", "VA"}
NEEDS_ARTICLE = {
    "Bahamas",
    "Comoros",
    "Congo",
    "Gambia",
    "Maldives",
    "Netherlands",
    "Niger",
    "Philippines",
    "Sudan",
}
DISPLAY_NAMES = {
    "China, Hong Kong Special Administrative Region": "Hong Kong, China",
    "China, Macao Special Administrative Region": "Macao, China",
    "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
    "United States of America": "United States",
}


class Vocabulary:
    """A weighted pick from a list: the first entries common, the last rare (Zipf-like)."""

    __slots__ = ("items", "cumulative", "total")

    def __init__(self, items, weights=None, exponent=1.0):
        self.items = list(items)
        if not self.items:
            raise ValueError("empty vocabulary")
        if weights is None:
            weights = [1 / rank**exponent for rank in range(1, len(self.items) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng):
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]

    def several(self, rng, count, exclude=()):
        """Up to `count` different items, none of them in `exclude`."""
        chosen = []
        for _ in range(count * 8):
            if len(chosen) == count:
                break
            item = self(rng)
            if item not in chosen and item not in exclude:
                chosen.append(item)
        return chosen


def display_name(name):
    name = DISPLAY_NAMES.get(name, name)
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()  # "Bolivia (Plurinational State of)"
    if (
        name in NEEDS_ARTICLE
        or name.endswith(("Islands", "Republic", "Emirates"))
        or name.startswith(("Republic ", "Democratic ", "United ", "Lao ", "Syrian ", "State of"))
        or name.startswith("Russian ")
    ):
        return f"the {name}"
    return name


def capitalise(text):
    return text[:1].upper() + text[1:]


def join_names(names):
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def pools_for(templates):
    """The templates usable without a provider, and without a facilitator, and without both."""
    return {
        (has_provider, has_facilitator): [
            template
            for template in templates
            if (has_provider or "{P}" not in template)
            and (has_facilitator or "{F}" not in template)
        ]
        for has_provider in (True, False)
        for has_facilitator in (True, False)
    }


TEXT_POOLS = {
    name: pools_for(templates)
    for name, templates in {
        "summary": SUMMARY,
        "challenge": CHALLENGE,
        "solution": SOLUTION,
        "results": RESULTS,
        "replication": REPLICATION,
    }.items()
}


class FormatContext(dict):
    """str.format_map context that capitalises on demand: {Intervention}, {Spec1}, {N_inst}."""

    def __missing__(self, key):
        if not key[:1].isupper():
            raise KeyError(key)
        return capitalise(str(self[key[:1].lower() + key[1:]]))


@contextmanager
def timestamps_as_given(model):
    """bulk_create calls pre_save, which overwrites auto_now and auto_now_add fields with the
    current time. Keep the generated dates instead, for the duration of the block."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    try:
        for field in fields:
            field.auto_now = field.auto_now_add = False
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def short_slug(text, length=80):
    """The slug of `text`, cut at a word boundary to at most `length` characters."""
    slug = slugify(text)
    if len(slug) > length:
        slug = slug[: length + 1].rsplit("-", 1)[0]
    return slug[:length].strip("-") or "case"


def generated_initiatives():
    return Initiative.objects.filter(slug__startswith=SLUG_PREFIX, slug__regex=GENERATED_SLUG_REGEX)


def generated_organisations():
    return Organisation.objects.filter(slug__startswith=ORG_SLUG_PREFIX)


class Taxonomy:
    """The reference data the generator draws from, read once, in a stable order (by natural
    key, never by primary key) so that a seed gives the same case studies in any database."""

    def __init__(self):
        regions = {
            region.pk: region
            for region in Region.objects.order_by("m49_code").only(
                "name", "m49_code", "path", "parent_id"
            )
        }
        self.regions = regions
        countries = list(
            Country.objects.order_by("iso2").only(
                "name", "iso2", "region_id", "is_ldc", "is_lldc", "is_sids"
            )
        )
        self.country_names = {country.pk: display_name(country.name) for country in countries}
        self.country_region = {country.pk: country.region_id for country in countries}

        def northern(country):
            region = regions.get(country.region_id)
            return country.iso2 in NORTHERN_CODES or (
                region is not None and region.path.startswith(NORTHERN_PATHS)
            )

        inhabited = [c for c in countries if c.iso2 not in UNINHABITED] or countries
        south = [c for c in inhabited if c.region_id and not northern(c)] or inhabited
        north = [c for c in inhabited if northern(c)]

        def share(country):
            return 0.1 if country.iso2 in TERRITORIES else 1

        self.beneficiaries = Vocabulary(
            [c.pk for c in south],
            weights=[(1 + 3 * c.is_ldc + 2 * (c.is_lldc or c.is_sids)) * share(c) for c in south],
        )
        providers = [c for c in south if not c.is_ldc] or south
        self.providers = Vocabulary(
            [c.pk for c in providers],
            weights=[(12 if c.iso2 in MAJOR_PROVIDERS else 1) * share(c) for c in providers],
        )
        self.states = [c.pk for c in south if c.iso2 not in TERRITORIES] or [c.pk for c in south]
        facilitators = north or south
        self.facilitators = Vocabulary(
            [c.pk for c in facilitators],
            weights=[10 if c.iso2 in FACILITATORS else 1 for c in facilitators],
        )
        # Countries by region, for regional case studies.
        self.south_by_region = {}
        for country in south:
            self.south_by_region.setdefault(country.region_id, []).append(country.pk)

        self.sdgs = dict(SDG.objects.values_list("number", "pk"))
        self.themes = dict(Theme.objects.order_by("slug").values_list("slug", "pk"))
        self.forms = list(
            CooperationForm.objects.order_by("sort_order", "slug").values_list("pk", flat=True)
        )
        self.sources = list(Source.objects.order_by("slug").values_list("pk", flat=True))
        self.all_theme_ids = list(self.themes.values())
        self.all_sdg_ids = [self.sdgs[number] for number in sorted(self.sdgs)]

    def load_organisations(self):
        organisations = list(Organisation.objects.order_by("slug").only("name", "slug"))
        self.organisation_names = {o.pk: o.name for o in organisations}
        # The starting content's organisations (UN entities and the like) turn up more often
        # than any one generated organisation.
        self.organisations = Vocabulary(
            [o.pk for o in organisations],
            weights=[1 if o.slug.startswith(ORG_SLUG_PREFIX) else 6 for o in organisations],
        )

    @staticmethod
    def missing():
        """What the generator cannot do without, when the database lacks it."""
        return [
            name
            for name, model in (
                ("countries", Country),
                ("Sustainable Development Goals", SDG),
                ("themes", Theme),
            )
            if not model.objects.exists()
        ]


def organisation_specs(taxonomy, count):
    """The organisations generated for the case studies: the same `count` names and slugs in
    every run, whatever the seed, from their own random generator."""
    rng = random.Random("generate_volume organisations")  # noqa: S311 (not for secrets)
    region_names = [
        region.name for region in taxonomy.regions.values() if not region.path.startswith("150/")
    ] or ["the Global South"]
    country_ids = taxonomy.states
    specs, seen = [], set()
    for number in range(1, count + 1):
        field = rng.choice(ORGANISATION_FIELDS)
        country_id = rng.choice(country_ids)
        country = taxonomy.country_names[country_id].removeprefix("the ")
        region = rng.choice(region_names)
        kind, name, based_in = rng.choice(
            [
                (Organisation.Kind.GOVERNMENT, f"{country} Agency for {field}", country_id),
                (Organisation.Kind.GOVERNMENT, f"National Institute of {field}, {country}", None),
                (Organisation.Kind.THINK_TANK, f"Centre for {field} Research in {region}", None),
                (Organisation.Kind.THINK_TANK, f"{country} Institute for {field} Studies", None),
                (Organisation.Kind.NGO, f"{field} Alliance of {country}", country_id),
                (Organisation.Kind.NGO, f"Foundation for {field} in {region}", None),
                (Organisation.Kind.NETWORK, f"{region} Network on {field}", None),
                (Organisation.Kind.NETWORK, f"South-South {field} Network", None),
                (
                    Organisation.Kind.INTERGOVERNMENTAL,
                    f"{region} Centre of Excellence for {field}",
                    None,
                ),
            ]
        )
        if kind == Organisation.Kind.GOVERNMENT and based_in is None:
            based_in = country_id
        if name in seen:
            name = f"{name} ({number})"
        seen.add(name)
        acronym = "".join(word[0] for word in re.findall(r"[A-Z][\w-]*", name))[:30]
        specs.append(
            {
                "slug": f"{ORG_SLUG_PREFIX}{number:03d}-{short_slug(name)}",
                "name": name,
                "acronym": acronym,
                "kind": kind,
                "country_id": based_in,
            }
        )
    return specs


class CaseGenerator:
    """Makes one case study at a time: the row and the ids of everything it links to."""

    def __init__(self, taxonomy, rng, now):
        self.t = taxonomy
        self.rng = rng
        self.now = now
        self.sectors = list(SECTORS.values())
        self.sector_pick = Vocabulary(
            range(len(self.sectors)), weights=[s["weight"] for s in self.sectors]
        )
        self.vocab = [
            {
                key: Vocabulary(sector[key], exponent=exponent)
                for key, exponent in (
                    ("interventions", 0.9),
                    ("topics", 0.9),
                    ("groups", 0.8),
                    ("institutions", 0.8),
                    ("specifics", 1.1),
                )
            }
            for sector in self.sectors
        ]
        self.methods = Vocabulary(METHODS, exponent=0.8)
        self.challenges = Vocabulary(CHALLENGES, exponent=0.8)
        self.generic_places = Vocabulary(GENERIC_PLACES, exponent=0.7)
        self.hazards = Vocabulary(["droughts", "floods", "cyclones", "heatwaves", "landslides"])
        self.modalities = Vocabulary(
            [
                Modality.BILATERAL,
                Modality.TRIANGULAR,
                Modality.REGIONAL,
                Modality.INTERREGIONAL,
                Modality.MULTILATERAL,
            ],
            weights=[50, 20, 14, 9, 7],
        )
        # Knowledge sharing, the first form, most often.
        self.forms = Vocabulary(self.t.forms, exponent=0.9) if self.t.forms else None
        self.organisations_by_sector = []
        for sector in self.sectors:
            ids = [
                pk
                for pk, name in self.t.organisation_names.items()
                if any(word.lower() in name.lower() for word in sector["organisations"])
            ]
            self.organisations_by_sector.append(
                Vocabulary(ids, weights=[1] * len(ids)) if ids else None
            )
        self.region_places = {
            region_id: REGION_PLACES.get(region.m49_code)
            for region_id, region in self.t.regions.items()
        }

    # --- relations -------------------------------------------------------------------------

    def countries(self, modality):
        rng, t = self.rng, self.t
        provider = None
        if modality != Modality.MULTILATERAL or rng.random() < 0.5:
            provider = t.providers(rng) if rng.random() < 0.92 else None
        if modality == Modality.TRIANGULAR and provider is None:
            provider = t.providers(rng)
        first = t.beneficiaries(rng)
        for _ in range(20):
            if first != provider:
                break
            first = t.beneficiaries(rng)
        else:
            provider = None  # the provider is the only country that can benefit
        taken = {provider}
        beneficiaries = [first]
        wanted = {
            Modality.BILATERAL: rng.choice((1, 1, 1, 1, 2)),
            Modality.TRIANGULAR: rng.choice((1, 1, 2, 3)),
            Modality.REGIONAL: rng.choice((2, 3, 3, 4)),
            Modality.INTERREGIONAL: rng.choice((1, 2, 3, 4)),
            Modality.MULTILATERAL: rng.choice((1, 2, 3, 4)),
        }[modality]
        neighbours = t.south_by_region.get(t.country_region[first], [])
        for _ in range(wanted * 6):
            if len(beneficiaries) == wanted:
                break
            if modality == Modality.REGIONAL and len(neighbours) > 1:
                candidate = rng.choice(neighbours)
            else:
                candidate = t.beneficiaries(rng)
            if candidate not in taken and candidate not in beneficiaries:
                beneficiaries.append(candidate)
        taken.update(beneficiaries)
        facilitator = None
        if modality == Modality.TRIANGULAR or rng.random() < 0.06:
            for _ in range(10):
                candidate = t.facilitators(rng)
                if candidate not in taken:
                    facilitator = candidate
                    break
            else:
                left = [pk for pk in t.country_names if pk not in taken]
                facilitator = rng.choice(left) if left else None
        return provider, beneficiaries, facilitator

    def region(self, modality, first_beneficiary):
        """The region named in the case, when there is one: always for regional cases."""
        if modality != Modality.REGIONAL and self.rng.random() > 0.1:
            return None
        region_id = self.t.country_region.get(first_beneficiary)
        region = self.t.regions.get(region_id)
        if region is not None and region.parent_id and self.rng.random() < 0.3:
            region = self.t.regions.get(region.parent_id, region)
        return region

    def themes_and_sdgs(self, sector):
        """The sector's own themes and goals first (its main one always), then now and then
        one from elsewhere."""
        rng, t = self.rng, self.t
        themes = self.pick_related(
            [t.themes[slug] for slug in sector["themes"] if slug in t.themes],
            t.all_theme_ids,
            rng.choice((1, 1, 2, 2, 2, 3)),
        )
        sdgs = self.pick_related(
            [t.sdgs[number] for number in sector["sdgs"] if number in t.sdgs],
            t.all_sdg_ids,
            rng.choice((1, 2, 2, 3, 3, 4)),
        )
        if 17 in t.sdgs and t.sdgs[17] not in sdgs and len(sdgs) < 4 and rng.random() < 0.1:
            sdgs.append(t.sdgs[17])  # partnerships for the goals
        return themes, sdgs

    def pick_related(self, preferred, everything, count):
        rng = self.rng
        chosen = preferred[:1] or [rng.choice(everything)]
        count = min(count, len(everything))
        for _ in range(count * 8):
            if len(chosen) >= count:
                break
            pool = preferred if len(preferred) > 1 and rng.random() < 0.75 else everything
            candidate = rng.choice(pool)
            if candidate not in chosen:
                chosen.append(candidate)
        return chosen

    def organisations(self, sector_index):
        """An implementing organisation, most often one that works in the sector, and now and
        then a supporting one."""
        rng = self.rng
        specialists = self.organisations_by_sector[sector_index]
        pick = specialists if specialists and rng.random() < 0.6 else self.t.organisations
        implementing = pick(rng)
        supporting = None
        if rng.random() < 0.45:
            candidate = self.t.organisations(rng)
            if candidate != implementing:
                supporting = candidate
        return implementing, supporting

    # --- dates and figures -----------------------------------------------------------------

    def dates(self, status):
        rng, now = self.rng, self.now
        span = YEARS_OF_PUBLICATION * 365.25 * 86400
        moment = (now - timedelta(seconds=rng.uniform(3600, span))).replace(microsecond=0)
        created = moment - timedelta(days=rng.uniform(1, 120))
        if status == Status.PUBLISHED:
            published_at = moment
            updated = min(moment + timedelta(days=rng.expovariate(1 / 90)), now)
        else:
            published_at = None
            created = moment
            updated = min(moment + timedelta(days=rng.uniform(0, 60)), now)
        return published_at, created, max(updated, created), moment.year

    def years(self, reference_year):
        rng = self.rng
        status = self.project_statuses(rng)
        if status == "" and rng.random() < 0.5:
            return status, None, None
        if status == ProjectStatus.PLANNED:
            start = reference_year + rng.choice((0, 1, 1, 2))
            end = start + rng.randint(1, 5) if rng.random() < 0.6 else None
        elif status == ProjectStatus.ONGOING:
            start = reference_year - rng.randint(0, 5)
            end = reference_year + rng.randint(0, 4) if rng.random() < 0.4 else None
        else:
            start = reference_year - rng.randint(1, 9)
            end = min(start + rng.randint(0, 6), reference_year)
            if status == "" and rng.random() < 0.3:
                end = None
        start = max(1960, min(start, 2100))
        if end is not None:
            end = max(start, min(end, 2100))
        return status, start, end

    project_statuses = Vocabulary(
        [ProjectStatus.COMPLETED, ProjectStatus.ONGOING, ProjectStatus.PLANNED, ""],
        weights=[50, 34, 6, 10],
    )

    def budget(self):
        rng = self.rng
        if rng.random() < 0.4:
            return None, ""
        amount = round(10 ** rng.uniform(4, 7.4), -3)
        currency = rng.choices(("USD", "EUR", "BRL", "CNY", "INR"), weights=(80, 10, 4, 3, 3))[0]
        return Decimal(int(amount)).quantize(Decimal("0.01")), currency

    # --- the case study --------------------------------------------------------------------

    def case(self):
        rng, t = self.rng, self.t
        sector_index = self.sector_pick(rng)
        sector, vocab = self.sectors[sector_index], self.vocab[sector_index]
        modality = self.modalities(rng)
        provider, beneficiaries, facilitator = self.countries(modality)
        if modality == Modality.TRIANGULAR and facilitator is None:
            modality = Modality.BILATERAL  # too few countries in the database for three roles
        region = self.region(modality, beneficiaries[0])
        themes, sdgs = self.themes_and_sdgs(sector)
        implementing, supporting = self.organisations(sector_index)
        forms = self.forms.several(rng, rng.choice((1, 1, 2))) if self.forms else []
        sources = [rng.choice(t.sources)] if t.sources else []

        names = t.country_names
        first_region = t.regions.get(t.country_region.get(beneficiaries[0]))
        region_name = (region or first_region).name if (region or first_region) else "the South"
        places = self.region_places.get(t.country_region.get(beneficiaries[0]))
        place = rng.choice(places) if places and rng.random() < 0.5 else self.generic_places(rng)
        specifics = vocab["specifics"].several(rng, 3)
        while len(specifics) < 3:
            specifics.append(specifics[-1])
        challenges = self.challenges.several(rng, 2)
        methods = self.methods.several(rng, 2)
        years_running = rng.randint(2, 6)
        pct = rng.randint(8, 45)
        context = FormatContext(
            P=names[provider] if provider else "",
            B=join_names([names[pk] for pk in beneficiaries]),
            B1=names[beneficiaries[0]],
            F=names[facilitator] if facilitator else "",
            R=region_name,
            place=place,
            intervention=vocab["interventions"](rng),
            topic=vocab["topics"](rng),
            group=vocab["groups"](rng),
            inst=vocab["institutions"](rng),
            pinst=vocab["institutions"](rng),
            spec1=specifics[0],
            spec2=specifics[1],
            spec3=specifics[2],
            method=methods[0],
            method2=methods[-1],
            challenge=challenges[0],
            challenge2=challenges[-1],
            hazard=self.hazards(rng),
            org=t.organisation_names[implementing],
            org2=t.organisation_names[supporting or implementing],
            years=years_running,
            n_people=f"{rng.choice((1, 2, 3, 5, 8, 12, 15, 25, 40, 60, 120)) * 1000:,}",
            n_staff=f"{rng.choice((24, 35, 48, 60, 85, 120, 150, 240, 300, 450, 1200)):,}",
            n_inst=rng.randint(3, 40),
            pct=pct,
            pct2=min(95, pct + rng.randint(10, 45)),
        )

        title = self.title(modality, context, provider, facilitator)
        status = rng.choices(
            (Status.PUBLISHED, Status.DRAFT, Status.IN_REVIEW), weights=(90, 6, 4)
        )[0]
        published_at, created_at, updated_at, reference_year = self.dates(status)
        project_status, start_year, end_year = self.years(reference_year)
        context["end"] = end_year or reference_year
        budget_amount, budget_currency = self.budget()
        has_p, has_f = provider is not None, facilitator is not None
        texts = {
            name: self.paragraph(TEXT_POOLS[name][(has_p, has_f)], context, low, high)
            for name, low, high in (
                ("summary", 2, 3),
                ("challenge", 2, 4),
                ("solution", 3, 5),
                ("results", 2, 4),
                ("replication", 1, 3),
            )
        }
        contact_name = contact_email = ""
        if rng.random() < 0.3:
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            contact_name = f"{first} {last}"
            contact_email = f"{slugify(first)}.{slugify(last)}@example.org"

        fields = {
            "title": title[:255],
            "status": status,
            "published_at": published_at,
            "created_at": created_at,
            "updated_at": updated_at,
            "modality": modality,
            "project_status": project_status,
            "start_year": start_year,
            "end_year": end_year,
            "budget_amount": budget_amount,
            "budget_currency": budget_currency,
            "contact_name": contact_name,
            "contact_email": contact_email,
            "featured": rng.random() < FEATURED_SHARE,
            **texts,
        }
        countries = [(pk, CountryRole.BENEFICIARY) for pk in beneficiaries]
        if provider:
            countries.insert(0, (provider, CountryRole.PROVIDER))
        if facilitator:
            countries.append((facilitator, CountryRole.FACILITATOR))
        organisations = [(implementing, OrganisationRole.IMPLEMENTING)]
        if supporting:
            organisations.append((supporting, OrganisationRole.SUPPORTING))
        relations = {
            "countries": countries,
            "organisations": organisations,
            "regions": [region.pk] if region else [],
            "themes": themes,
            "sdgs": sdgs,
            "cooperation_forms": forms,
            "sources": sources,
        }
        return fields, relations

    def title(self, modality, context, provider, facilitator):
        rng = self.rng
        pools = [TITLES["any"]]
        if provider:
            pools.append(TITLES["provider"])
        if modality == Modality.TRIANGULAR and provider and facilitator:
            pools += [TITLES["triangular"]] * 2
        if modality in (Modality.REGIONAL, Modality.INTERREGIONAL):
            pools.append(TITLES["regional"])
        if modality == Modality.MULTILATERAL:
            pools.append(TITLES["multilateral"])
        return capitalise(rng.choice(rng.choice(pools)).format_map(context))

    def paragraph(self, pool, context, low, high):
        """`low` to `high` sentences from `pool`, in the order the pool tells them."""
        count = min(len(pool), self.rng.randint(low, high))
        chosen = sorted(self.rng.sample(range(len(pool)), count))
        return " ".join(capitalise(pool[index].format_map(context)) for index in chosen)


class Command(BaseCommand):
    help = (
        "Generate N realistic case studies for benchmarks, from the taxonomy already loaded "
        "(run load_portal_content first). Generated rows have slugs starting with 'vol-'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--initiatives",
            type=int,
            default=0,
            metavar="N",
            help="How many new case studies to generate.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help="Seed for the random generator; the same seed gives the same case studies. "
            "Without it a seed is drawn and printed.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            metavar="B",
            help="Case studies written, or deleted, per transaction (default 2000).",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="First delete every generated case study and generated organisation; with no "
            "--initiatives (or 0), only that.",
        )
        parser.add_argument(
            "--no-search-index",
            action="store_true",
            help="Do not refresh the search index of the new case studies (faster; the search "
            "will not find them until the index is refreshed).",
        )

    def handle(self, *args, **options):
        count, batch_size = options["initiatives"], options["batch_size"]
        if count < 0:
            raise CommandError("--initiatives must be 0 or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        if options["clear"]:
            self.clear(batch_size)
            if not count:
                return
        elif not count:
            raise CommandError("Give --initiatives N (or --clear to remove generated rows).")

        missing = Taxonomy.missing()
        if missing:
            raise CommandError(
                f"No {', '.join(missing)} in the database: run "
                "`manage.py load_portal_content` first."
            )
        taxonomy = Taxonomy()
        seed = options["seed"]
        if seed is None:
            seed = secrets.randbelow(2**31)
        self.say(f"Seed {seed}.")
        created_organisations = self.ensure_organisations(taxonomy)
        if created_organisations:
            self.say(f"Created {created_organisations} organisations ({ORG_SLUG_PREFIX}...).")
        taxonomy.load_organisations()
        self.generate(taxonomy, count, seed, batch_size, not options["no_search_index"])

    def say(self, message, verbosity=1):
        if self.verbosity >= verbosity:
            self.stdout.write(message)

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)

    # --- clearing --------------------------------------------------------------------------

    def clear(self, batch_size):
        """Delete the generated case studies a batch per transaction (Django's delete follows
        every relation, including ones added later), then the generated organisations that no
        other case study uses."""
        started = time.monotonic()
        pks = list(generated_initiatives().order_by("pk").values_list("pk", flat=True))
        initiatives = links = 0
        for start in range(0, len(pks), batch_size):
            with transaction.atomic():
                # Only the primary keys: the links go table by table, in one query each.
                deleted, per_model = (
                    Initiative.objects.filter(pk__in=pks[start : start + batch_size])
                    .only("pk")
                    .delete()
                )
            initiatives += per_model.get(Initiative._meta.label, 0)
            links += deleted - per_model.get(Initiative._meta.label, 0)
            reset_queries()
            if len(pks) > batch_size:
                self.say(f"  deleted {initiatives:>9,} / {len(pks):,} case studies")
        still_used = InitiativeOrganisation.objects.filter(organisation=OuterRef("pk"))
        organisations, _ = generated_organisations().exclude(Exists(still_used)).delete()
        self.say(
            f"Deleted {initiatives:,} generated case studies, {links:,} rows linking them and "
            f"{organisations:,} generated organisations in "
            f"{time.monotonic() - started:.1f}s."
        )

    # --- generating ------------------------------------------------------------------------

    def ensure_organisations(self, taxonomy):
        specs = organisation_specs(taxonomy, ORGANISATIONS_WANTED)
        existing = set(generated_organisations().values_list("slug", flat=True))
        missing = [Organisation(**spec) for spec in specs if spec["slug"] not in existing]
        if len(existing) < ORGANISATIONS_WANTED and missing:
            Organisation.objects.bulk_create(missing, batch_size=500)
            return len(missing)
        return 0

    def next_number(self):
        numbers = [
            int(match.group(1))
            for slug in generated_initiatives().values_list("slug", flat=True).iterator()
            if (match := SLUG_NUMBER.match(slug))
        ]
        return max(numbers, default=0) + 1

    def generate(self, taxonomy, count, seed, batch_size, index):
        rng = random.Random(seed)  # noqa: S311 (repeatable on purpose)
        now = timezone.now()
        generator = CaseGenerator(taxonomy, rng, now)
        number = self.next_number()
        returns_pks = connection.features.can_return_rows_from_bulk_insert
        through = {
            name: (
                Initiative._meta.get_field(name).remote_field.through,
                Initiative._meta.get_field(name).m2m_field_name() + "_id",
                Initiative._meta.get_field(name).m2m_reverse_field_name() + "_id",
            )
            for name in ("regions", "themes", "sdgs", "cooperation_forms", "sources")
        }
        totals = dict.fromkeys(["initiatives", "countries", "organisations", *through], 0)
        started = time.monotonic()
        index_seconds = 0.0
        self.say(
            f"Generating {count:,} case studies from vol-{number:07d}, "
            f"{batch_size:,} per transaction, on {connection.vendor}."
        )
        done = 0
        with timestamps_as_given(Initiative):
            while done < count:
                size = min(batch_size, count - done)
                cases = []
                for _ in range(size):
                    fields, relations = generator.case()
                    fields["slug"] = f"{SLUG_PREFIX}{number:07d}-{short_slug(fields['title'])}"
                    number += 1
                    cases.append((Initiative(**fields), relations))
                with transaction.atomic():
                    objects = Initiative.objects.bulk_create(
                        [obj for obj, _ in cases], batch_size=batch_size
                    )
                    if not returns_pks or any(obj.pk is None for obj in objects):
                        pks = dict(
                            Initiative.objects.filter(
                                slug__in=[obj.slug for obj in objects]
                            ).values_list("slug", "pk")
                        )
                        for obj in objects:
                            obj.pk = pks[obj.slug]
                    rows = self.link_rows(cases, through)
                    for name, (model, objs) in rows.items():
                        model.objects.bulk_create(objs, batch_size=max(batch_size, 1000))
                        totals[name] += len(objs)
                    if index:
                        index_started = time.monotonic()
                        refresh_search_index(
                            Initiative.objects.filter(pk__in=[obj.pk for obj in objects]),
                            batch_size=batch_size,
                        )
                        index_seconds += time.monotonic() - index_started
                done += size
                totals["initiatives"] += size
                reset_queries()  # with DEBUG on, the log of these big INSERTs would pile up
                elapsed = time.monotonic() - started
                self.say(
                    f"  {done:>9,} / {count:,} case studies  {done / elapsed:8,.0f}/s  "
                    f"{elapsed:7.1f}s"
                )
        elapsed = time.monotonic() - started
        links = ", ".join(f"{totals[name]:,} {name}" for name in totals if name != "initiatives")
        self.say(
            self.style.SUCCESS(
                f"Generated {count:,} case studies in {elapsed:.1f}s "
                f"({count / elapsed:,.0f}/s), with links: {links}."
            )
        )
        if index:
            self.say(f"Of that, refreshing the search index took {index_seconds:.1f}s.")
        content_changed()  # bulk_create sends no signal: let every process reload the filters

    @staticmethod
    def link_rows(cases, through):
        countries, organisations = [], []
        plain = {name: [] for name in through}
        for obj, relations in cases:
            pk = obj.pk
            countries += [
                InitiativeCountry(initiative_id=pk, country_id=country, role=role)
                for country, role in relations["countries"]
            ]
            organisations += [
                InitiativeOrganisation(initiative_id=pk, organisation_id=org, role=role)
                for org, role in relations["organisations"]
            ]
            for name, (model, left, right) in through.items():
                plain[name] += [model(**{left: pk, right: other}) for other in relations[name]]
        rows = {
            "countries": (InitiativeCountry, countries),
            "organisations": (InitiativeOrganisation, organisations),
        }
        rows.update({name: (through[name][0], plain[name]) for name in through})
        return rows
