"""Built-in Regional Care Co-operative memberships (council ONS code -> RCC name), as data in
code (council ONS code -> RCC name).

Four memberships ship with fundmodel; :func:`membership_preset` returns any of them by name:

* ``"regions"``: the 9 English regions of the authority data, one RCC each (the data
  decides, so it follows whatever regions the loaded authorities carry).
* ``"rcc20"``: **an ASSUMPTION** standing for the Care Review's "about 20" RCCs
  (recommendation 5.2). No list of RCCs has been published, so fundmodel splits the
  regions into 20 groups along existing sub-regional footprints (combined authorities,
  the Tees Valley, DfE's Inner/Outer London split, shire versus metropolitan councils),
  keeping the South East whole as its pathfinder does. Every one of the 153 councils is
  listed once, by code, in :data:`RCC20_GROUPS`.
* ``"pathfinders"``: the two pathfinders announced on 18 November 2024, Greater
  Manchester (10 councils) and the South East (19 councils, "Home and Future"); every
  other council stays its own commissioning body (standalone).
* ``"standalone"``: no pooling at all (today's arrangement; useful as a baseline).

>>> groups = membership_preset("rcc20").rcc_names()
>>> len(groups), groups[0]
(20, 'North East: Tees Valley')
>>> sum(len(codes) for codes in RCC20_GROUPS.values())
153
>>> membership_preset("pathfinders").members["E08000003"]
'Greater Manchester'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fundmodel.errors import ScenarioError
from fundmodel.parameters.records import Source

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
from fundmodel.scenarios.rcc.membership import STANDALONE, Membership

CARE_REVIEW_RCC = Source(
    title="The independent review of children's social care: final report",
    publisher="Independent Review of Children's Social Care",
    year=2022,
    url="https://www.gov.uk/government/publications/independent-review-of-childrens-social-care-final-report",
    section="recommendation 5.2 (Regional Care Co-operatives)",
    quote="about 20 Regional Care Co-operatives",
)

PATHFINDERS_2024 = Source(
    title="Regional care co-operatives pathfinders announced",
    publisher="Department for Education (gov.uk)",
    year=2024,
    url="https://www.gov.uk/",
    section="announcement of 18 November 2024",
    quote=(
        "Greater Manchester (10 councils) and the South East (19 councils, now "
        "'Home and Future')"
    ),
)

GREATER_MANCHESTER: tuple[str, ...] = (
    "E08000001",  # Bolton
    "E08000002",  # Bury
    "E08000003",  # Manchester
    "E08000004",  # Oldham
    "E08000005",  # Rochdale
    "E08000006",  # Salford
    "E08000007",  # Stockport
    "E08000008",  # Tameside
    "E08000009",  # Trafford
    "E08000010",  # Wigan
)
"""The Greater Manchester pathfinder's 10 councils (gov.uk, 18 Nov 2024)."""

SOUTH_EAST: tuple[str, ...] = (
    "E06000035",  # Medway
    "E06000036",  # Bracknell Forest
    "E06000037",  # West Berkshire
    "E06000038",  # Reading
    "E06000039",  # Slough
    "E06000040",  # Windsor and Maidenhead
    "E06000041",  # Wokingham
    "E06000042",  # Milton Keynes
    "E06000043",  # Brighton and Hove
    "E06000044",  # Portsmouth
    "E06000045",  # Southampton
    "E06000046",  # Isle of Wight
    "E06000060",  # Buckinghamshire
    "E10000011",  # East Sussex
    "E10000014",  # Hampshire
    "E10000016",  # Kent
    "E10000025",  # Oxfordshire
    "E10000030",  # Surrey
    "E10000032",  # West Sussex
)
"""The South East pathfinder's 19 councils: the 19 upper-tier councils of the South East
region in DfE's statistical-neighbour file (checked against the embedded data in the tests)."""

GREATER_MANCHESTER_RCC = "Greater Manchester"
SOUTH_EAST_RCC = "South East (Home and Future)"

RCC20_GROUPS: dict[str, tuple[str, ...]] = {
    "North East: Tees Valley": (
        "E06000001",  # Hartlepool
        "E06000002",  # Middlesbrough
        "E06000003",  # Redcar and Cleveland
        "E06000004",  # Stockton-on-Tees
        "E06000005",  # Darlington
    ),
    "North East: Durham, Northumberland and Tyneside": (
        "E06000047",  # County Durham
        "E06000057",  # Northumberland
        "E08000021",  # Newcastle upon Tyne
        "E08000022",  # North Tyneside
        "E08000023",  # South Tyneside
        "E08000024",  # Sunderland
        "E08000037",  # Gateshead
    ),
    GREATER_MANCHESTER_RCC: GREATER_MANCHESTER,
    "North West: Liverpool City Region, Cheshire and Warrington": (
        "E06000006",  # Halton
        "E06000007",  # Warrington
        "E06000049",  # Cheshire East
        "E06000050",  # Cheshire West and Chester
        "E08000011",  # Knowsley
        "E08000012",  # Liverpool
        "E08000013",  # St Helens
        "E08000014",  # Sefton
        "E08000015",  # Wirral
    ),
    "North West: Lancashire and Cumbria": (
        "E06000008",  # Blackburn with Darwen
        "E06000009",  # Blackpool
        "E06000063",  # Cumberland
        "E06000064",  # Westmorland and Furness
        "E10000017",  # Lancashire
    ),
    "South Yorkshire": (
        "E08000016",  # Barnsley
        "E08000017",  # Doncaster
        "E08000018",  # Rotherham
        "E08000019",  # Sheffield
    ),
    "West Yorkshire": (
        "E08000032",  # Bradford
        "E08000033",  # Calderdale
        "E08000034",  # Kirklees
        "E08000035",  # Leeds
        "E08000036",  # Wakefield
    ),
    "Humber and North Yorkshire": (
        "E06000010",  # Kingston upon Hull
        "E06000011",  # East Riding of Yorkshire
        "E06000012",  # North East Lincolnshire
        "E06000013",  # North Lincolnshire
        "E06000014",  # York
        "E06000065",  # North Yorkshire
    ),
    "East Midlands: Derbyshire and Nottinghamshire": (
        "E06000015",  # Derby
        "E06000018",  # Nottingham
        "E10000007",  # Derbyshire
        "E10000024",  # Nottinghamshire
    ),
    "East Midlands: Leicestershire, Lincolnshire and Northamptonshire": (
        "E06000016",  # Leicester
        "E06000017",  # Rutland
        "E06000061",  # North Northamptonshire
        "E06000062",  # West Northamptonshire
        "E10000018",  # Leicestershire
        "E10000019",  # Lincolnshire
    ),
    "West Midlands: metropolitan": (
        "E08000025",  # Birmingham
        "E08000026",  # Coventry
        "E08000027",  # Dudley
        "E08000028",  # Sandwell
        "E08000029",  # Solihull
        "E08000030",  # Walsall
        "E08000031",  # Wolverhampton
    ),
    "West Midlands: shires": (
        "E06000019",  # Herefordshire
        "E06000020",  # Telford and Wrekin
        "E06000021",  # Stoke-on-Trent
        "E06000051",  # Shropshire
        "E10000028",  # Staffordshire
        "E10000031",  # Warwickshire
        "E10000034",  # Worcestershire
    ),
    "East of England: north": (
        "E06000031",  # Peterborough
        "E10000003",  # Cambridgeshire
        "E10000020",  # Norfolk
        "E10000029",  # Suffolk
    ),
    "East of England: south": (
        "E06000032",  # Luton
        "E06000033",  # Southend-on-Sea
        "E06000034",  # Thurrock
        "E06000055",  # Bedford
        "E06000056",  # Central Bedfordshire
        "E10000012",  # Essex
        "E10000015",  # Hertfordshire
    ),
    "Inner London": (  # DfE's Inner London (LA numbers 201-213)
        "E09000001",  # City of London
        "E09000007",  # Camden
        "E09000011",  # Greenwich
        "E09000012",  # Hackney
        "E09000013",  # Hammersmith and Fulham
        "E09000019",  # Islington
        "E09000020",  # Kensington and Chelsea
        "E09000022",  # Lambeth
        "E09000023",  # Lewisham
        "E09000028",  # Southwark
        "E09000030",  # Tower Hamlets
        "E09000032",  # Wandsworth
        "E09000033",  # Westminster
    ),
    "Outer London: north and east": (
        "E09000002",  # Barking and Dagenham
        "E09000003",  # Barnet
        "E09000004",  # Bexley
        "E09000010",  # Enfield
        "E09000014",  # Haringey
        "E09000016",  # Havering
        "E09000025",  # Newham
        "E09000026",  # Redbridge
        "E09000031",  # Waltham Forest
    ),
    "Outer London: south and west": (
        "E09000005",  # Brent
        "E09000006",  # Bromley
        "E09000008",  # Croydon
        "E09000009",  # Ealing
        "E09000015",  # Harrow
        "E09000017",  # Hillingdon
        "E09000018",  # Hounslow
        "E09000021",  # Kingston upon Thames
        "E09000024",  # Merton
        "E09000027",  # Richmond upon Thames
        "E09000029",  # Sutton
    ),
    SOUTH_EAST_RCC: SOUTH_EAST,
    "South West: peninsula and Somerset": (
        "E06000026",  # Plymouth
        "E06000027",  # Torbay
        "E06000052",  # Cornwall
        "E06000053",  # Isles of Scilly
        "E06000066",  # Somerset
        "E10000008",  # Devon
    ),
    "South West: north and east": (
        "E06000022",  # Bath and North East Somerset
        "E06000023",  # Bristol
        "E06000024",  # North Somerset
        "E06000025",  # South Gloucestershire
        "E06000030",  # Swindon
        "E06000054",  # Wiltshire
        "E06000058",  # Bournemouth, Christchurch and Poole
        "E06000059",  # Dorset
        "E10000013",  # Gloucestershire
    ),
}
"""ASSUMPTION: fundmodel's 20 RCCs standing for the Care Review's "about 20"."""

RCC20_NOTE = (
    "ASSUMPTION: no list of RCCs has been published. fundmodel splits the 9 regions into 20 "
    "groups along existing sub-regional footprints: the North East into the Tees Valley and "
    "the rest; the North West into Greater Manchester (the pathfinder), the Liverpool City "
    "Region with Cheshire and Warrington, and Lancashire with Cumbria; Yorkshire into South, "
    "West, and Humber with North Yorkshire; the East Midlands into Derbyshire and "
    "Nottinghamshire versus the rest; the West Midlands into metropolitan and shire councils; "
    "the East of England into north and south; London into DfE's Inner London and two Outer "
    "London groups; the South West into the peninsula with Somerset and the rest. The South "
    "East stays whole, as its pathfinder does."
)

PRESET_NAMES: tuple[str, ...] = ("regions", "rcc20", "pathfinders", "standalone")
"""Names accepted by :func:`membership_preset` (and by ``membership:`` in a scenario file)."""


def membership_preset(name: str, authorities: Authorities | None = None) -> Membership:
    """A built-in membership by name; ``"regions"`` reads the regions of ``authorities``
    (the embedded data by default).

    >>> membership_preset("standalone").rcc_names()
    ()
    >>> membership_preset("rcc21")
    Traceback (most recent call last):
    ...
    fundmodel.errors.ScenarioError: unknown membership 'rcc21'; built-in: regions, rcc20, \
pathfinders, standalone (or give a mapping of council code to RCC name)
    """

    if name == "regions":
        from fundmodel.data.authorities import load_authorities

        la = authorities if authorities is not None else load_authorities()
        return Membership(
            name="The 9 English regions",
            members=dict(zip(la.codes.tolist(), la.regions.tolist(), strict=True)),
            note="One RCC per English region, as recorded in the authority data.",
        )
    if name == "rcc20":
        return Membership(
            name="About 20 RCCs (fundmodel assumption: 20 sub-regional groups)",
            members={code: rcc for rcc, codes in RCC20_GROUPS.items() for code in codes},
            source=CARE_REVIEW_RCC,
            note=RCC20_NOTE,
            assumption=True,
        )
    if name == "pathfinders":
        members = {code: GREATER_MANCHESTER_RCC for code in GREATER_MANCHESTER}
        members.update({code: SOUTH_EAST_RCC for code in SOUTH_EAST})
        return Membership(
            name="The two RCC pathfinders (Greater Manchester, South East)",
            members=members,
            others=STANDALONE,
            source=PATHFINDERS_2024,
            note="All councils outside the two pathfinders commission their own placements.",
        )
    if name == "standalone":
        return Membership(
            name="No pooling (every council its own commissioning body)",
            members={},
            others=STANDALONE,
            note="Today's arrangement: 150+ separate buyers.",
        )
    raise ScenarioError(
        f"unknown membership {name!r}; built-in: {', '.join(PRESET_NAMES)} "
        "(or give a mapping of council code to RCC name)"
    )
