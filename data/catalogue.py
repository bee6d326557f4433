"""What each raw file is and what each shipped column or measure means.

Plain data used by ``build.py`` to extract the measures and to write
``sources.yaml``. Facts about the raw files come from
``../shared/data/PROVENANCE.md`` and ``DATA_MAP.md`` and from the files
themselves (e.g. the LAIT data dictionary); web addresses are given only
where they are well established.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REPO_A = "dfe-analytical-services/CSC_outcomes_and_enablers"
REPO_A_COMMIT = "2f5d11a431050523dab58810083259d3313029ae"
REPO_B = "dfe-analytical-services/local-authority-interactive-tool"
REPO_B_COMMIT = "2e30e3959a6ab8b2d22941b84764da41a40ac91b"
REPO_C = "ysjanonproject/data_visualisation_infant_mortalit"
REPO_C_COMMIT = "e8bc7b500580266777d48c5e70ab32e139a95386"
REPO_D = "houseofcommonslibrary/uk-hex-cartograms-noncontiguous"
REPO_D_COMMIT = "6b16dba"

OGL = "Open Government Licence v3.0 (Crown copyright)"
OPL = "Open Parliament Licence v3.0"
HOC_ACKNOWLEDGEMENT = "House of Commons Library"

EES = "https://explore-education-statistics.service.gov.uk/find-statistics/"
CLA_URL = EES + "children-looked-after-in-england-including-adoptions"
CIN_URL = EES + "characteristics-of-children-in-need"
S251_URL = EES + "la-and-school-expenditure"

DFE = "Department for Education (DfE)"
MHCLG = "Ministry of Housing, Communities and Local Government (MHCLG)"
ONS = "Office for National Statistics (ONS)"
HOCL = "House of Commons Library"

CLA_PUB = "Children looked after in England including adoptions, 2025 release (SSDA903)"
CIN_PUB = "Characteristics of children in need, 2025 release"
POP_PUB = "ONS mid-year population estimates, children aged 0-17, in DfE's EES layout"
LAIT_PUB = "Local Authority Interactive Tool (LAIT) benchmarking data set (long format)"
IOD_PUB = "English Indices of Deprivation 2019, File 11: upper-tier local authority summaries"
RO3_PUB = "Local authority revenue expenditure and financing: revenue outturn RO3 by LA"


def _a(path: str, commit: str = REPO_A_COMMIT) -> dict[str, str]:
    return {"repo": REPO_A, "path": path, "commit": commit}


#: Raw files, keyed by their path relative to the raw directory.
FILES: dict[str, dict[str, Any]] = {
    "dfe-csc/cla_number_and_rate_per_10k_children.csv": {
        "republished_by": _a("data-raw/cla_number_and_rate_per_10k_children.csv"),
        "publisher": DFE,
        "publication": CLA_PUB,
        "published": "2025",
        "coverage": "31 March 2021 to 31 March 2025",
        "licence": OGL,
        "url": CLA_URL,
        "used_by_build": True,
    },
    "dfe-csc/b1_children_in_need_2013_to_2025.csv": {
        "republished_by": _a("data-raw/b1_children_in_need_2013_to_2025.csv"),
        "publisher": DFE,
        "publication": CIN_PUB + ", table b1",
        "published": "2025",
        "coverage": "31 March 2013 to 31 March 2025",
        "licence": OGL,
        "url": CIN_URL,
        "used_by_build": True,
    },
    "dfe-csc/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv": {
        "republished_by": _a(
            "data-raw/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
        ),
        "publisher": DFE,
        "publication": CIN_PUB + ", table c1",
        "published": "2025",
        "coverage": "years ending 31 March 2013 to 2025",
        "licence": OGL,
        "url": CIN_URL,
        "used_by_build": True,
    },
    "dfe-csc/d5_cpps_at31march_by_duration_2013_to_2025.csv": {
        "republished_by": _a("data-raw/d5_cpps_at31march_by_duration_2013_to_2025.csv"),
        "publisher": DFE,
        "publication": CIN_PUB + ", table d5",
        "published": "2025",
        "coverage": "31 March 2013 to 31 March 2025",
        "licence": OGL,
        "url": CIN_URL,
        "used_by_build": True,
    },
    "dfe-csc/ons_mid-year_population_estimates_2012_to_2024.csv": {
        "republished_by": _a("data-raw/ons_mid-year_population_estimates_2012_to_2024.csv"),
        "publisher": ONS + "; arranged by " + DFE,
        "publication": POP_PUB,
        "published": "2025",
        "coverage": "mid-2012 to mid-2024",
        "licence": OGL,
        "used_by_build": True,
    },
    "dfe-csc/LTLA-UTLA_Apr23_Lookup_England-Wales.csv": {
        "republished_by": {"repo": REPO_A, "commit": REPO_A_COMMIT},
        "publisher": ONS + " (Open Geography Portal)",
        "publication": "Lower tier local authority to upper tier local authority lookup, "
        "April 2023",
        "published": "2023",
        "coverage": "April 2023",
        "licence": OGL,
        "used_by_build": True,
    },
    "dfe-csc/sn_model_2025_wide.csv": {
        "republished_by": _a("data-raw/sn_model_2025_wide.csv"),
        "publisher": DFE,
        "publication": "Children's services statistical neighbours, 2025 model",
        "published": "2025",
        "coverage": "2025",
        "licence": OGL,
        "used_by_build": True,
    },
    "dfe-csc/RO3_LA_Data_2024-25_data_by_LA.ods": {
        "republished_by": _a("data-raw/RO3_LA_Data_2024-25_data_by_LA.ods"),
        "publisher": MHCLG,
        "publication": RO3_PUB + ", 2024-25 outturn",
        "published": "2025-12-04",
        "coverage": "financial year 2024-25",
        "licence": OGL,
        "url": "https://www.gov.uk/government/collections/local-authority-revenue-expenditure-and-financing",
        "used_by_build": True,
    },
    "dfe-csc/RO3_2023-24_data_by_LA.ods": {
        "republished_by": _a(
            "data-raw/RO3_2023-24_data_by_LA.ods", "4cd96732a28e825d4be1f66cb7ecd4b308ba5c79"
        ),
        "publisher": MHCLG,
        "publication": RO3_PUB + ", 2023-24 outturn",
        "published": "2024-08-29 (last updated)",
        "coverage": "financial year 2023-24",
        "licence": OGL,
        "url": "https://www.gov.uk/government/collections/local-authority-revenue-expenditure-and-financing",
        "used_by_build": True,
    },
    "dfe-csc/RO3_2022-23_data_by_LA.ods": {
        "republished_by": _a(
            "data-raw/RO3_2022-23_data_by_LA.ods", "ca79a79bedad217c23752b7963aeb4db82879c5f"
        ),
        "publisher": "Department for Levelling Up, Housing and Communities (DLUHC, now MHCLG)",
        "publication": RO3_PUB + ", 2022-23 outturn",
        "published": "2023-12-14 (last updated)",
        "coverage": "financial year 2022-23",
        "licence": OGL,
        "url": "https://www.gov.uk/government/collections/local-authority-revenue-expenditure-and-financing",
        "used_by_build": True,
    },
    "dfe-csc/RSX_LA_Data_2024-25_data_by_LA.ods": {
        "republished_by": _a("data-raw/RSX_LA_Data_2024-25_data_by_LA.ods"),
        "publisher": MHCLG,
        "publication": "Revenue outturn service expenditure summary (RSX) 2024-25",
        "published": "2025",
        "coverage": "financial year 2024-25",
        "licence": OGL,
        "used_by_build": False,
    },
    "dfe-lait/bds_long_0.parquet": {
        "republished_by": {
            "repo": REPO_B,
            "path": "01_data/02_prod/bds_long_0.parquet",
            "commit": REPO_B_COMMIT,
        },
        "publisher": DFE + " (compiling DfE, DWP and other sources)",
        "publication": LAIT_PUB,
        "published": "2026 (repository snapshot 2026-04-08)",
        "coverage": "mostly 2016 to 2025; part file, may not hold every LAIT row",
        "licence": OGL,
        "url": "https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
        "used_by_build": True,
    },
    "dfe-lait/lait_data_dictionary.csv": {
        "republished_by": {
            "repo": REPO_B,
            "path": "01_data/02_prod/lait_data_dictionary.csv",
            "commit": REPO_B_COMMIT,
        },
        "publisher": DFE,
        "publication": "LAIT data dictionary (measure metadata)",
        "published": "2026",
        "licence": OGL,
        "used_by_build": False,
        "note": "Read by hand for the definitions quoted in the columns section.",
    },
    "dfe-lait/la_code_list.xlsx": {
        "republished_by": {
            "repo": REPO_B,
            "path": "01_data/02_prod/la_code_list.xlsx",
            "commit": REPO_B_COMMIT,
        },
        "publisher": DFE,
        "publication": "LAIT local authority code list",
        "licence": OGL,
        "used_by_build": False,
    },
    "iod2019/File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx": {
        "republished_by": {
            "repo": REPO_C,
            "path": "File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx",
            "commit": REPO_C_COMMIT,
        },
        "publisher": "Ministry of Housing, Communities and Local Government (MHCLG, 2019)",
        "publication": IOD_PUB,
        "published": "2019-09-26",
        "coverage": "2019 upper-tier authorities (151, on 2019 codes)",
        "licence": OGL,
        "url": "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
        "used_by_build": True,
        "note": "Re-saved by the republisher (Notes sheet blank); values appear intact.",
    },
    "hex-cartogram/LocalAuthorities-uppertier-2023.gpkg": {
        "republished_by": {
            "repo": REPO_D,
            "path": "geopackages/LocalAuthorities-uppertier-2023.gpkg",
            "commit": REPO_D_COMMIT,
        },
        "publisher": HOCL,
        "publication": "Non-contiguous hexagon cartogram of UK upper-tier local authorities, 2023",
        "published": "2023",
        "licence": OPL,
        "acknowledgement": HOC_ACKNOWLEDGEMENT,
        "url": "https://github.com/houseofcommonslibrary/uk-hex-cartograms-noncontiguous",
        "used_by_build": True,
    },
    "hex-cartogram/utla2023_hex.geojson": {
        "republished_by": {"repo": REPO_D, "commit": REPO_D_COMMIT},
        "publisher": HOCL,
        "publication": "Same cartogram, layer '7 UTLA-2023', converted GeoPackage -> GeoJSON "
        "(coordinates rounded to 0.1, nothing else changed)",
        "published": "2023",
        "licence": OPL,
        "acknowledgement": HOC_ACKNOWLEDGEMENT,
        "used_by_build": True,
    },
    "hex-cartogram/utla2023_hex_groups.geojson": {
        "republished_by": {"repo": REPO_D, "commit": REPO_D_COMMIT},
        "publisher": HOCL,
        "publication": "Same cartogram, group outlines (converted to GeoJSON)",
        "published": "2023",
        "licence": OPL,
        "acknowledgement": HOC_ACKNOWLEDGEMENT,
        "used_by_build": False,
    },
    "hex-cartogram/utla2023_hex_background.geojson": {
        "republished_by": {"repo": REPO_D, "commit": REPO_D_COMMIT},
        "publisher": HOCL,
        "publication": "Same cartogram, UK background (converted to GeoJSON)",
        "published": "2023",
        "licence": OPL,
        "acknowledgement": HOC_ACKNOWLEDGEMENT,
        "used_by_build": False,
    },
}

# --------------------------------------------------------------------------- second batch
# Repositories as in ../shared/data/PROVENANCE.md "Second batch" and PROVENANCE_BATCH2.md.

REPO_E = "cjrwebb/cwip-app"
REPO_E_COMMIT = "6808bb049401088c9328d7bcca4e0f795ce713a2"
REPO_F = "Em1lyK/council-tax"
REPO_F_COMMIT = "52b853c454823079b0c55d5f880dd034196b9ce3"
REPO_G = "BenGoodair/childrens_social_care_qualitative"
REPO_G_COMMIT = "57ecb63451de911fac0f81bd15bc32b0232ec078"
REPO_H = "fjye1/Aqueduct"
REPO_H_COMMIT = "2a06ade263d0b1f45554312bfc3e75ca5e23daa2"
REPO_I = "ncl-icb-analytics/dbt-ncl-analytics"
REPO_I_COMMIT = "213ca0542d527cc1d0c4e4fe2a5877bd8049a6ca"

RA_PUB = "Local authority revenue expenditure and financing: Revenue Account (RA) budget, " \
    "individual local authority data"
RA_URL = "https://www.gov.uk/government/collections/local-authority-revenue-expenditure-and-financing"
CTR_PUB = "Council tax levels set by local authorities in England 2023 to 2024, Table 9 (CTR data)"
CSWW_PUB = "Children's social work workforce, 2025 release (csww_indicators_2017_to_2025)"
OFSTED_PUB = "Local authority children's services inspection outcomes as at 31 March 2025"
DEFLATOR_PUB = "GDP deflators at market prices, and money GDP, March 2026 (Quarterly National " \
    "Accounts), as transcribed"
DLUHC = "Department for Levelling Up, Housing and Communities (DLUHC, now MHCLG)"

RA_2021_FILE = "ra-budget/RA_2021-22_data_by_LA.csv"
RA_2023_FILE = "ra-budget/RA_2023-24_data_Part_1.csv"
RA_2025_FILE = "ra-budget/Council_Budgets.xlsx"
RA_FILES = {"2021-22": RA_2021_FILE, "2023-24": RA_2023_FILE, "2025-26": RA_2025_FILE}
CTR_FILE = "council-tax/CTR_Table_9_2023-24.ods"
CSWW_FILE = "workforce/csww_indicators_2017_to_2025.csv"
OFSTED_FILE = "ofsted/LA_Inspection_Outcomes_as_at_31_March_2025.ods"
DEFLATOR_FILE = "deflator/uk_cost_indices.csv"
DEFLATOR_META = "deflator/uk_cost_indices.yml"
CLA_PLACEMENT_FILES = {"2018": "cla-placement/CLA2018.csv", "2019": "cla-placement/CLA2019.csv"}

BATCH2_FILES: dict[str, dict[str, Any]] = {
    RA_2021_FILE: {
        "republished_by": {"repo": REPO_G, "path": "Data/Raw/RA_2021-22_data_by_LA.csv",
                           "commit": REPO_G_COMMIT},
        "publisher": MHCLG,
        "publication": RA_PUB + ", 2021-22 ('Revenue Account Budget (RA) 2021-22: Revenue "
        "Account data')",
        "published": "2021",
        "coverage": "budget 2021-22; 152 upper-tier authorities on 2021 geography",
        "licence": OGL,
        "url": RA_URL,
        "used_by_build": True,
        "encoding": "UTF-8 with byte-order mark; numbers with thousands separators",
        "note": "NOT byte-original: a CSV export of MHCLG's RA data sheet made by the "
        "republisher (apostrophes mangled in labels).",
    },
    RA_2023_FILE: {
        "republished_by": {"repo": REPO_G, "path": "Data/Raw/RA_2023-24_data_Part_1.csv",
                           "commit": REPO_G_COMMIT},
        "publisher": DLUHC,
        "publication": RA_PUB + ", 2023-24, Part 1 ('Worksheet 2: Revenue Account Budget (RA) "
        "2023-24: Revenue Account data'; last updated 22 June 2023)",
        "published": "2023-06-22",
        "coverage": "budget 2023-24; 153 upper-tier authorities (2023 geography)",
        "licence": OGL,
        "url": RA_URL,
        "used_by_build": True,
        "encoding": "single-byte, not UTF-8: the pound sign is byte 0xA3 (as in cp1252 and "
        "Mac Roman); the apostrophe (0xD5) and en dash (0xD0) decode correctly only as Mac "
        "Roman, so the build reads it as mac_roman (cp1252 would show 'Õ' and 'Ð'); numbers "
        "carry thousands separators ('1,546')",
        "note": "NOT byte-original: a CSV export of DLUHC's RA_LA_Data sheet made by the "
        "republisher.",
    },
    RA_2025_FILE: {
        "republished_by": {"repo": REPO_H, "path": "data/A_raw/council_budget/Council_Budgets.xlsx",
                           "commit": REPO_H_COMMIT},
        "publisher": MHCLG,
        "publication": RA_PUB + ", 2025-26 (last updated 19 June 2025)",
        "published": "2025-06-19",
        "coverage": "budget 2025-26; 153 upper-tier authorities (2025 geography)",
        "licence": OGL,
        "url": RA_URL,
        "used_by_build": True,
        "note": "RE-SAVED by the republisher: MHCLG publishes ODS; this .xlsx was renamed "
        "and re-saved (lastModifiedBy the repository owner, 2026-06-09). Values as published "
        "as far as checked; not byte-original.",
    },
    CTR_FILE: {
        "republished_by": {"repo": REPO_F, "path": "input/CTR_Table_9_2023-24 (10).ods",
                           "commit": REPO_F_COMMIT},
        "publisher": DLUHC,
        "publication": CTR_PUB,
        "published": "2023",
        "coverage": "2022-23 and 2023-24; 296 billing authorities and 21 county councils' "
        "precepts (2023 geography)",
        "licence": OGL,
        "url": "https://www.gov.uk/government/statistics/council-tax-levels-set-by-local-"
        "authorities-in-england-2023-to-2024",
        "used_by_build": True,
        "note": "Renamed here from 'CTR_Table_9_2023-24 (10).ods' (browser-download suffix).",
    },
    CSWW_FILE: {
        "republished_by": _a("data-raw/csww_indicators_2017_to_2025.csv"),
        "publisher": DFE,
        "publication": CSWW_PUB,
        "published": "2026",
        "coverage": "30 September 2017 to 30 September 2025",
        "licence": OGL,
        "url": EES + "children-s-social-work-workforce",
        "used_by_build": True,
    },
    OFSTED_FILE: {
        "republished_by": _a("data-raw/LA_Inspection_Outcomes_as_at_31_March_2025.ods"),
        "publisher": "Ofsted",
        "publication": OFSTED_PUB,
        "published": "2025-09-25",
        "coverage": "latest ILACS judgements to 31 March 2025",
        "licence": OGL,
        "url": "https://www.gov.uk/government/statistics/local-authority-childrens-services-"
        "inspection-outcomes",
        "used_by_build": True,
    },
    DEFLATOR_FILE: {
        "republished_by": {"repo": REPO_I, "path": "seeds/uk_cost_indices.csv (as named in "
                           "the seed's .yml)", "commit": REPO_I_COMMIT},
        "publisher": "HM Treasury (outturn from ONS series L8GG; forecasts from OBR), as "
        "transcribed by " + REPO_I,
        "publication": DEFLATOR_PUB,
        "published": "2026-03",
        "coverage": "2000-01 to 2030-31; outturn to 2024-25, forecasts 2025-26 to 2030-31",
        "licence": OGL,
        "url": "https://www.gov.uk/government/collections/gdp-deflators-at-market-prices-and-"
        "money-gdp",
        "used_by_build": True,
        "note": "A TRANSCRIPTION by the republishing repository's script, not HM Treasury's "
        "spreadsheet. Five years agree with another document quoting the same vintage.",
    },
    DEFLATOR_META: {
        "republished_by": {"repo": REPO_I, "commit": REPO_I_COMMIT},
        "publisher": REPO_I,
        "publication": "dbt seed description of uk_cost_indices (sources, base, forecast rule)",
        "licence": "as published in the repository",
        "used_by_build": False,
        "note": "Read by hand for the deflator's source record.",
    },
    **{
        path: {
            "republished_by": {"repo": REPO_E, "path": f"data/cla_data/cla_{year}/CLA{year}.csv",
                               "commit": REPO_E_COMMIT},
            "publisher": DFE,
            "publication": f"Children looked after in England including adoption: "
            f"{int(year) - 1} to {year}, underlying LA data (CLA{year}.csv)",
            "published": year,
            "coverage": f"31 March {year}",
            "licence": OGL,
            "url": CLA_URL,
            "used_by_build": True,
        }
        for year, path in CLA_PLACEMENT_FILES.items()
    },
}

CLA_FILE = "dfe-csc/cla_number_and_rate_per_10k_children.csv"
B1_FILE = "dfe-csc/b1_children_in_need_2013_to_2025.csv"
C1_FILE = "dfe-csc/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
D5_FILE = "dfe-csc/d5_cpps_at31march_by_duration_2013_to_2025.csv"
POP_FILE = "dfe-csc/ons_mid-year_population_estimates_2012_to_2024.csv"
LOOKUP_FILE = "dfe-csc/LTLA-UTLA_Apr23_Lookup_England-Wales.csv"
SN_FILE = "dfe-csc/sn_model_2025_wide.csv"
LAIT_FILE = "dfe-lait/bds_long_0.parquet"
IOD_FILE = "iod2019/File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx"
HEX_GPKG = "hex-cartogram/LocalAuthorities-uppertier-2023.gpkg"
HEX_GEOJSON = "hex-cartogram/utla2023_hex.geojson"
RO3_FILES = {
    "2022-23": "dfe-csc/RO3_2022-23_data_by_LA.ods",
    "2023-24": "dfe-csc/RO3_2023-24_data_by_LA.ods",
    "2024-25": "dfe-csc/RO3_LA_Data_2024-25_data_by_LA.ods",
}

FILES.update(BATCH2_FILES)

UNITS = (
    "count", "GBP", "PER_10K_CHILDREN", "PERCENT", "SCORE", "METRES", "TEXT", "CODE",
    "GBP_PER_CHILD_PER_WEEK", "BAND_D_EQUIVALENTS", "GBP_PER_BAND_D", "FTE",
    "CASES_PER_FTE", "GRADE_1_TO_4", "DATE_YYYYMMDD", "INDEX",
)


@dataclass(frozen=True)
class Measure:
    """A measure extracted from one raw file into series.csv (and maybe authorities.csv)."""

    name: str
    label: str
    unit: str
    raw_file: str
    source_column: str
    filter: str
    basis: str  # period_reference_date basis, or "current" (current boundaries every year)
    publisher: str
    publication: str
    period: str
    transformation: str = "none (value as published)"
    proxy: bool = False
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


EES_LA = 'geographic_level == "Local authority"'
CODE_RULE = (
    "Figures dated before a reorganisation are kept under the predecessor's own code "
    "(flag predecessor); same-area recodes are repeated under the successor (flag "
    "recoded_same_area)."
)

S251_LINES = {
    "s251_lac": ("TotalLACFinance", "Total children looked after (finance) - gross"),
    "s251_safeguarding": (
        "SafeguardingFinance",
        "Safeguarding children and young people's services (finance) - gross",
    ),
    "s251_family_support": ("FamilySupportFinance", "Family support services (finance) - gross"),
    "s251_other_children_family": (
        "OtherChildren&FamilyFinance",
        "Other children's and families services (finance) - gross",
    ),
    "s251_sure_start": (
        "SureStartFinance",
        "Sure Start children's centres and early years (finance) - gross",
    ),
    "s251_young_people": ("YoungPeopleFinance", "Services for young people (finance) - gross"),
    "s251_youth_justice": ("YouthJusticeFinance", "Youth justice (finance) - gross"),
    "s251_adoption": ("AdoptionFinance", "Adoption - s251 outturn weekly unit cost"),
    "s251_cyps_total": (
        "C&YPExpenditure",
        "Children and young people's services total (excluding CERA) - gross",
    ),
}

S251_NOTE = (
    "Section 251 outturn, gross expenditure in GBP cash as shown in LAIT. For 2024-25 DfE "
    "removed Wandsworth and Middlesbrough's children's and young people's services data "
    "from its aggregates for quality concerns (LAIT data dictionary); LAIT shows '-' for them."
)

ADOPTION_NOTE = (
    "NOT a cash total: LAIT's AdoptionFinance is a weekly unit cost in GBP per child, "
    "(adoption services outturn / children freed for adoption or with a placement order at "
    "31 March) / 365 * 7, rounded to the nearest GBP 5 (LAIT data dictionary, measure 295). "
    "Do not add it to the other s251 lines; adoption spend is already inside s251_lac."
)

RO3_LINES = {
    "ro3_csc_net": ("RO3-csctot-net-cur-exp", "TOTAL CHILDREN SOCIAL CARE"),
    "ro3_lac_net": ("RO3-csclkd-net-cur-exp", "Children Looked After"),
    "ro3_lac_residential_net": (
        "RO3-csclkdres-net-cur-exp",
        "Children Looked After of which residential care",
    ),
    "ro3_lac_fostering_net": (
        "RO3-csclkdfos-net-cur-exp",
        "Children Looked After of which fostering services",
    ),
    "ro3_lac_uasc_net": (
        "RO3-csclkdasy-net-cur-exp",
        "Children Looked After of which asylum seeking children who are looked after",
    ),
    "ro3_lac_other_net": ("RO3-csclkdoth-net-cur-exp", "Children Looked After of which other"),
    "ro3_family_support_net": ("RO3-cscfml-net-cur-exp", "Family Support Services"),
    "ro3_safeguarding_net": (
        "RO3-cscsfg-net-cur-exp",
        "Safeguarding children and young people's services",
    ),
    "ro3_other_children_family_net": (
        "RO3-cscoth-net-cur-exp",
        "Other children's and families services",
    ),
    "ro3_youth_justice_net": ("RO3-cscyth-net-cur-exp", "Youth Justice"),
    "ro3_sure_start_net": (
        "RO3-cscsr-net-cur-exp",
        "Sure start children's centres and early years",
    ),
    "ro3_asylum_seekers_net": ("RO3-cscasy-net-cur-exp", "Asylum Seekers"),
    "ro3_young_people_net": ("RO3-cscsrv-net-cur-exp", "Services for young people"),
}

RO3_NOTE = (
    "MHCLG revenue outturn, net current expenditure (C7 = C3 - C6). '[x]' = return not "
    "received in time for publication (flag not_submitted); MHCLG's England row includes "
    "estimates for those councils and shire districts' small children's social care spend."
)


def _ees(name: str, label: str, unit: str, raw_file: str, column: str, period: str,
         publication: str, extra_filter: str = "", note: str = "",
         basis: str = "31_march") -> Measure:
    filt = EES_LA + (", " + extra_filter if extra_filter else "")
    return Measure(
        name=name, label=label, unit=unit, raw_file=raw_file, source_column=column,
        filter=filt, basis=basis, publisher=DFE if raw_file != POP_FILE else ONS,
        publication=publication, period=period, note=note,
    )


CLA_FILTER = 'population_type == "Children looked after on 31 March each year"'

BASE_MEASURES: tuple[Measure, ...] = (
    _ees(
        "children_0_17", "Children aged 0 to 17 (mid-year population estimate)", "count",
        POP_FILE, "population_estimate", "mid-2012 to mid-2024 (period = mid-year)", POP_PUB,
        'age_group == "Children aged 0 to 17 years"',
        note="Codes as in force each mid-year. Bournemouth, Poole and old Dorset show 'x' for "
        "2012-2018 in this file (kept as not_available rows). DfE uses mid-year Y as the "
        "denominator for 31 March Y+1 rates.",
        basis="mid_year",
    ),
    _ees(
        "cla_count", "Children looked after at 31 March", "count", CLA_FILE, "children_count",
        "31 March 2021 to 31 March 2025 (period = year of 31 March)", CLA_PUB, CLA_FILTER,
        note="The file carries 2023 codes for North Yorkshire and Somerset in every year; "
        "figures before April 2023 are re-assigned to the predecessor county codes.",
    ),
    _ees(
        "cla_rate_per_10k", "Children looked after at 31 March per 10,000 children aged 0-17",
        "PER_10K_CHILDREN", CLA_FILE, "rate_per_10000",
        "31 March 2021 to 31 March 2025", CLA_PUB, CLA_FILTER,
        note="Published rate (whole number); denominator is DfE's mid-year population.",
    ),
    _ees(
        "cin_count", "Children in need at 31 March (episodes open at 31 March)", "count",
        B1_FILE, "At31_episodes", "31 March 2013 to 31 March 2025", CIN_PUB + ", table b1",
    ),
    _ees(
        "cpp_count", "Children on a child protection plan at 31 March", "count", D5_FILE,
        "CPP_At31", "31 March 2013 to 31 March 2025", CIN_PUB + ", table d5",
    ),
    _ees(
        "referrals", "Referrals to children's social care in the year to 31 March", "count",
        C1_FILE, "referral_count", "years ending 31 March 2013 to 2025",
        CIN_PUB + ", table c1",
    ),
    Measure(
        name="cla_count_lait", label="Children looked after at 31 March (LAIT LACnum)",
        unit="count", raw_file=LAIT_FILE, source_column="Values",
        filter='Short Desc == "LACnum"', basis="31_march", publisher=DFE,
        publication=LAIT_PUB + " (from " + CLA_PUB + " and earlier releases)",
        period="31 March 2016 to 31 March 2025",
        note="Longer history than the CLA file; keyed by DfE LA number.",
    ),
    Measure(
        name="cla_rate_per_10k_lait",
        label="Children looked after at 31 March per 10,000 children (LAIT LAC)",
        unit="PER_10K_CHILDREN", raw_file=LAIT_FILE, source_column="Values",
        filter='Short Desc == "LAC"', basis="31_march", publisher=DFE,
        publication=LAIT_PUB + " (from " + CLA_PUB + " and earlier releases)",
        period="31 March 2016 to 31 March 2025",
    ),
    Measure(
        name="child_poverty_pct",
        label="Children under 16 in relative low income families (before housing costs), %",
        unit="PERCENT", raw_file=LAIT_FILE, source_column="Values",
        filter='Short Desc == "ChildPov"', basis="current",
        publisher="Department for Work and Pensions (DWP), via DfE LAIT",
        publication="Children in low income families: local area statistics (via LAIT)",
        period="financial years ending 2022 to 2025 (period = year the financial year ends)",
        note="DWP revised the back series; data before FYE 2022 are not on a consistent basis "
        "and were removed. Published on current (2023) geographies for every year.",
        extra={"url": "https://www.gov.uk/government/collections/"
               "children-in-low-income-families-local-area-statistics"},
    ),
    Measure(
        name="ehcp_pct",
        label="Pupils with an EHC plan or SEN statement, % of pupils (disability PROXY)",
        unit="PERCENT", raw_file=LAIT_FILE, source_column="Values",
        filter='Short Desc == "SEN_TotStat"', basis="january", publisher=DFE,
        publication="Special educational needs in England (via LAIT)",
        period="January school census 2016 to 2025 (period = census year)", proxy=True,
        note="PROXY for the number of disabled children, which no raw file holds. Counts "
        "pupils by the location of their school, not the child's home authority.",
        extra={"url": "https://www.gov.uk/government/collections/"
               "statistics-special-educational-needs-sen"},
    ),
)

S251_MEASURES: tuple[Measure, ...] = tuple(
    Measure(
        name=name, label=label,
        unit="GBP_PER_CHILD_PER_WEEK" if name == "s251_adoption" else "GBP",
        raw_file=LAIT_FILE, source_column="Values", filter=f'Short Desc == "{short}"',
        basis="financial_year", publisher=DFE,
        publication="Section 251 outturn (LA and school expenditure), via LAIT",
        period="financial years 2016-17 to 2024-25 (LAIT Years '2016-17 (OT)' etc.)",
        transformation="'(OT)' suffix dropped from the period; value as published",
        note=ADOPTION_NOTE if name == "s251_adoption" else S251_NOTE,
        extra={"url": S251_URL},
    )
    for name, (short, label) in S251_LINES.items()
)

RO3_MEASURES: tuple[Measure, ...] = tuple(
    Measure(
        name=name, label=f"RO3 {label} - net current expenditure", unit="GBP",
        raw_file=RO3_FILES["2024-25"], source_column=item,
        filter="RO3_LA_Data sheet; rows with a 9-character ONS code and Class in "
        "UA/MD/LB/SC; column located by the item code row",
        basis="financial_year", publisher=MHCLG,
        publication=RO3_PUB + " (2022-23, 2023-24, 2024-25 outturn)",
        period="financial years 2022-23 to 2024-25",
        transformation="GBP thousand x 1000, rounded to the penny",
        note=RO3_NOTE + (" Gateshead's 2024-25 looked-after breakdown shows '[note 4]' "
                         "(not provided; flag not_available)." if "lac_" in name else ""),
        extra={"raw_files": list(RO3_FILES.values())},
    )
    for name, (item, label) in RO3_LINES.items()
)

MEASURES: tuple[Measure, ...] = (*BASE_MEASURES, *S251_MEASURES, *RO3_MEASURES)

MEASURE_BY_NAME: dict[str, Measure] = {m.name: m for m in MEASURES}

#: authorities.csv column -> (measure, period) taken from series.csv.
SNAPSHOT_COLUMNS: dict[str, tuple[str, str]] = {
    "children_0_17": ("children_0_17", "2024"),
    "cla_count_2025": ("cla_count", "2025"),
    "cla_rate_per_10k_2025": ("cla_rate_per_10k", "2025"),
    "cin_count_2025": ("cin_count", "2025"),
    "cpp_count_2025": ("cpp_count", "2025"),
    "referrals_2025": ("referrals", "2025"),
    "child_poverty_pct": ("child_poverty_pct", "2025"),
    "ehcp_pct": ("ehcp_pct", "2025"),
    **{f"{name}_2024_25": (name, "2024-25") for name in S251_LINES},
    "ro3_csc_net_2024_25": ("ro3_csc_net", "2024-25"),
    "ro3_lac_net_2024_25": ("ro3_lac_net", "2024-25"),
    "ro3_family_support_net_2024_25": ("ro3_family_support_net", "2024-25"),
    "ro3_safeguarding_net_2024_25": ("ro3_safeguarding_net", "2024-25"),
}

AUTHORITY_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "la_number",
    "region",
    "council_type",
    "children_0_17",
    "children_0_17_2029_trend",
    "cla_count_2025",
    "cla_rate_per_10k_2025",
    "cin_count_2025",
    "cpp_count_2025",
    "referrals_2025",
    "child_poverty_pct",
    "ehcp_pct",
    "idaci_score_2019",
    *[f"{name}_2024_25" for name in S251_LINES],
    "ro3_csc_net_2024_25",
    "ro3_lac_net_2024_25",
    "ro3_family_support_net_2024_25",
    "ro3_safeguarding_net_2024_25",
    "council_tax_base_2023_24",
    "band_d_2023_24",
    "council_tax_requirement_2023_24",
    "csww_caseload_fte_2025",
    "csww_agency_rate_fte_2025",
    "csww_vacancy_rate_fte_2025",
    "ofsted_ilacs_grade",
    "ofsted_ilacs_inspection_date",
)

#: Columns describing an authority rather than measuring it (no missing values allowed).
IDENTITY_COLUMNS = ("code", "name", "la_number", "region", "council_type")

SERIES_FLAGS = {
    "predecessor": "Figure for an authority abolished in a reorganisation, under its own code.",
    "recoded_same_area": "Figure for a same-area predecessor repeated under the successor "
    "code; drop these rows when summing across authorities for a period.",
    "suppressed": "Source cell 'c' (small number suppressed); value empty.",
    "not_available": "Source cell 'x' (EES), '-' (LAIT) or '[note 4]' (RO3): no figure; "
    "value empty.",
    "not_applicable": "Source cell 'z'; value empty.",
    "low_reliability": "Source cell 'u' (low reliability, figure withheld); value empty.",
    "not_submitted": "RO3 '[x]': the council's return was not received in time; value empty.",
    "withdrawn_by_publisher": "DfE removed the figure for quality concerns; value empty.",
}

#: Flags of the second-batch long files (budgets.csv, council_tax.csv, workforce.csv,
#: placements.csv): the series flags plus these.
LONG_FLAGS = {
    **SERIES_FLAGS,
    "not_submitted": "RO3 '[x]', RA '[x]' or RA '...' with note 'M': the council's return "
    "was not received in time for publication; value empty.",
    "not_applicable": "Source cell 'z' or '.' (no base to compute a share); value empty.",
    "rounds_to_zero": "Source cell 'low' (EES: rounds to 0 but is not 0); value empty.",
    "joint_return": "One figure published for two councils' joint children's services "
    "(North and West Northamptonshire from 2021; Kingston upon Thames and Richmond upon "
    "Thames, all years): shown under each council's code, never split; count once when "
    "summing (see the joint_with note in sources.yaml).",
    "code_2024": "Published under the 2024 ONS code (Barnsley E08000038, Sheffield "
    "E08000039), shown under the 2023 code the package uses.",
}

MISSING_REASONS = {
    "suppressed": {"empty_cell": True, "meaning": SERIES_FLAGS["suppressed"]},
    "not_available": {"empty_cell": True, "meaning": SERIES_FLAGS["not_available"]},
    "not_applicable": {"empty_cell": True, "meaning": SERIES_FLAGS["not_applicable"]},
    "low_reliability": {"empty_cell": True, "meaning": SERIES_FLAGS["low_reliability"]},
    "not_submitted": {"empty_cell": True, "meaning": SERIES_FLAGS["not_submitted"]},
    "withdrawn_by_publisher": {
        "empty_cell": True, "meaning": SERIES_FLAGS["withdrawn_by_publisher"],
    },
    "no_figure_new_authority": {
        "empty_cell": True,
        "meaning": "The source predates the authority (only its predecessor has a figure, "
        "which is not copied or split).",
    },
    "rounds_to_zero": {
        "empty_cell": True,
        "meaning": "Source cell 'low' (EES: rounds to 0 but is not 0); value empty.",
    },
    "joint_return": {
        "empty_cell": False,
        "meaning": "Value present: DfE publishes one joint figure for two councils that run "
        "children's services together (North and West Northamptonshire; Kingston upon "
        "Thames and Richmond upon Thames); the same joint figure is shown for each, never "
        "split. Count it once when summing.",
    },
    "code_2024": {
        "empty_cell": False,
        "meaning": "Value present, published under the council's 2024 ONS code (Barnsley "
        "E08000038, Sheffield E08000039: minor boundary change) and shown under its 2023 code.",
    },
    "derived_short_history": {
        "empty_cell": False,
        "meaning": "Value present but derived from fewer years than intended.",
    },
    "recoded_same_area": {
        "empty_cell": False,
        "meaning": "Value present, taken from the same-area predecessor's code.",
    },
}
