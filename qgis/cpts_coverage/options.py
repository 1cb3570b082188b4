"""The options of each `cpts` verb, as the algorithms offer them: the flag, the kind of
parameter, its default, and its label and help in English and French.

The parameter's name is the flag in capitals (`--gap-width` → `GAP_WIDTH`), so that
`qgis_process run cpts:analyze -- GAP_WIDTH=0` reads as the command line does.
"""

from dataclasses import dataclass

# Kinds of parameter.
LAYER = "layer"  # a polygon layer, or a file of one
TABLE = "table"  # a layer with or without geometry (a membership table), or a file
FILE = "file"  # a file cpts reads as it is (spreadsheets, tables with title lines)
FOLDER = "folder"  # an existing folder
OUT_FOLDER = "out_folder"  # a folder cpts writes
OUT_FILE = "out_file"  # a file cpts writes
TEXT = "text"
CODES = "codes"  # codes separated by spaces, commas or semicolons: the flag repeated
LINES = "lines"  # values separated by semicolons or new lines: the flag repeated
NUMBER = "number"
INTEGER = "integer"
BOOL = "bool"
ENUM = "enum"
ENUMS = "enums"  # several choices, joined with commas
CRS = "crs"

STATUSES = ("signataire_aci", "projet", "pre_projet")


@dataclass(frozen=True)
class Option:
    """One option of a verb."""

    flag: str
    kind: str
    label: tuple  # (English, French)
    help: tuple  # (English, French)
    default: object = None
    optional: bool = True
    choices: tuple = ()
    advanced: bool = False
    minimum: float = None
    maximum: float = None
    extensions: str = ""  # file filter, e.g. "json" or "csv xlsx ods"

    @property
    def name(self):
        """The parameter's name: the flag in capitals."""
        return self.flag[2:].upper().replace("-", "_")


def _o(flag, kind, label, help, **more):
    return Option(flag, kind, label, help, **more)


FORCE = _o(
    "--force", BOOL,
    ("Replace the outputs of an earlier run", "Remplacer les sorties d'une exécution antérieure"),
    ("Replace the outputs of an earlier run in the output folder (never other files).",
     "Remplace les sorties d'une exécution antérieure dans le dossier de sortie (jamais d'autres fichiers)."),
    default=False,
)

LANG = _o(
    "--lang", ENUM,
    ("Language of the report", "Langue du rapport"),
    ("Language of the reports written for people.", "Langue des rapports écrits pour être lus."),
    default=0, optional=False, choices=("fr", "en"),
)

PERIMETERS = _o(
    "--perimeters", TABLE,
    ("CPTS perimeters (polygons or membership table)", "Périmètres des CPTS (polygones ou table d'appartenance)"),
    ("CPTS perimeters: a polygon layer (id, nom, statut), or a membership table "
     "(cpts_id;cpts_nom;statut;code_insee) as a layer without geometry, a CSV, .xlsx or .ods.",
     "Périmètres des CPTS : une couche de polygones (id, nom, statut), ou une table "
     "d'appartenance (cpts_id;cpts_nom;statut;code_insee) en couche sans géométrie, CSV, .xlsx ou .ods."),
    optional=False,
)

COMMUNES = _o(
    "--communes", LAYER,
    ("Communes", "Communes"),
    ("Communes: polygons with code, nom, population, departement, region (GeoJSON, "
     "Shapefile, FlatGeobuf, GeoPackage, or any layer of the project), any CRS declared.",
     "Communes : polygones avec code, nom, population, departement, region (GeoJSON, "
     "Shapefile, FlatGeobuf, GeoPackage, ou toute couche du projet), SCR déclaré."),
    optional=False,
)

# How to analyse the communes: what analyze, plan, diff and validate share.
ANALYSIS = (
    _o("--arrondissements", LAYER,
       ("Arrondissements of Paris, Lyon, Marseille", "Arrondissements de Paris, Lyon, Marseille"),
       ("Arrondissements municipaux of Paris, Lyon and Marseille (code, nom, population, "
        "commune): they replace their city as population units.",
        "Arrondissements municipaux de Paris, Lyon et Marseille (code, nom, population, "
        "commune) : ils remplacent leur ville comme unités de population.")),
    _o("--population", FILE,
       ("Population table", "Table des populations"),
       ("INSEE population table (CSV or spreadsheet) giving the communes' populations "
        "instead of the layer's property.",
        "Table des populations de l'INSEE (CSV ou tableur) donnant la population des "
        "communes au lieu de l'attribut de la couche."),
       extensions="csv txt xlsx xls ods"),
    _o("--population-code-column", TEXT,
       ("Code column of the population table", "Colonne des codes de la table des populations"),
       ("Code column of the population table (default: CODGEO, DEPCOM, COM…, or CODDEP then CODCOM).",
        "Colonne des codes de la table des populations (par défaut : CODGEO, DEPCOM, COM…, ou CODDEP puis CODCOM)."),
       advanced=True),
    _o("--population-column", TEXT,
       ("Population column of the population table", "Colonne des populations de la table"),
       ("Population column of the population table (default: PMUN, P21_POP…, population).",
        "Colonne des populations de la table (par défaut : PMUN, P21_POP…, population)."),
       advanced=True),
    _o("--population-grid", FILE,
       ("Population grid (INSEE 200 m, IRIS)", "Grille de population (INSEE 200 m, IRIS)"),
       ("A finer population layer than the communes: INSEE's 200 m grid as distributed (CSV, "
        "Parquet or GeoPackage) or any polygon or point layer with a population column (IRIS, "
        "buildings). Where a "
        "perimeter cuts a commune, its people are placed as the layer says (each commune "
        "keeping its population); the figures gain the population aged 65 and over and 80 and over.",
        "Une couche de population plus fine que les communes : la grille de 200 m de l'INSEE "
        "telle que diffusée (CSV, Parquet ou GeoPackage) ou toute couche de polygones ou de "
        "points avec une colonne de population (IRIS, bâtiments). Là où un périmètre coupe une commune, ses habitants sont "
        "placés comme le dit la couche (chaque commune gardant sa population) ; les chiffres "
        "gagnent la population de 65 ans et plus et de 80 ans et plus."),
       extensions="csv parquet gpkg geojson shp fgb"),
    _o("--population-grid-field", TEXT,
       ("Population column of the grid", "Colonne de population de la grille"),
       ("Population column of the population grid (default: ind, any capitalisation).",
        "Colonne de population de la grille de population (par défaut : ind, quelle que soit la casse)."),
       advanced=True),
    _o("--apl", FILE,
       ("APL to general practitioners (DREES)", "APL aux médecins généralistes (DREES)"),
       ("The DREES APL workbook as published, a CartoSanté export or any table with a commune "
        "code and an APL column: adds the APL mean and the population under the threshold.",
        "Le classeur APL de la DREES tel que publié, un export CartoSanté ou toute table avec "
        "un code commune et une colonne APL : ajoute l'APL moyenne et la population sous le seuil."),
       extensions="xlsx xls ods csv"),
    _o("--apl-sheet", TEXT,
       ("Sheet of the APL workbook", "Feuille du classeur APL"),
       ("Sheet of the APL workbook (default: the latest APL YYYY).",
        "Feuille du classeur APL (par défaut : la plus récente « APL AAAA »)."),
       advanced=True),
    _o("--apl-threshold", NUMBER,
       ("APL threshold of under-served units", "Seuil d'APL des unités sous-denses"),
       ("A unit with an APL below this is under-served.",
        "Une unité dont l'APL est en dessous est sous-dense."),
       default=2.5, optional=False, minimum=0.0, advanced=True),
    _o("--doctor-zoning", FILE,
       ("ARS doctor zoning", "Zonage médecins de l'ARS"),
       ("The ARS doctor zoning by commune (CartoSanté or DREES zoning tool export): adds the "
        "population in ZIP and ZAC.",
        "Le zonage médecins de l'ARS par commune (export CartoSanté ou de l'outil de zonage de "
        "la DREES) : ajoute la population en ZIP et en ZAC."),
       extensions="csv xlsx xls ods"),
    _o("--statuses", ENUMS,
       ("Statuses counted as covering", "Statuts comptés comme couvrants"),
       ("Statuses whose CPTS count as covering.", "Statuts dont les CPTS comptent comme couvrantes."),
       default=[0, 1, 2], optional=False, choices=STATUSES),
    _o("--territory", CODES,
       ("Territory (départements, region:CODE)", "Territoire (départements, region:CODE)"),
       ("Départements or regions in scope, separated by spaces or commas (06 83, region:93): "
        "figures, white zones, tables, plan and report cover them alone. Default: every "
        "commune of the layer.",
        "Départements ou régions étudiés, séparés par des espaces ou des virgules (06 83, "
        "region:93) : chiffres, zones blanches, tableaux, plan et rapport ne couvrent qu'eux. "
        "Par défaut : toutes les communes de la couche.")),
    _o("--sliver-km2", NUMBER,
       ("Sliver tolerance (km²)", "Tolérance des miettes (km²)"),
       ("Uncovered parts and overlaps smaller than this (km²) are slivers, not white zones.",
        "Les parties non couvertes et chevauchements plus petits (km²) sont des miettes, pas des zones blanches."),
       default=0.01, optional=False, minimum=0.0, advanced=True),
    _o("--gap-width", NUMBER,
       ("Contour gap width (m)", "Largeur des interstices de contour (m)"),
       ("Uncovered parts and overlaps into which no disc of this diameter (metres) fits are "
        "contour gaps and contour overlaps, not white zones nor overlaps. 0: none. Polygon mode.",
        "Les parties non couvertes et chevauchements où ne tient aucun disque de ce diamètre "
        "(mètres) sont des interstices de contour, ni zones blanches ni chevauchements. 0 : aucun. "
        "Mode polygones."),
       default=200.0, optional=False, minimum=0.0, maximum=10000.0, advanced=True),
    _o("--threads", INTEGER,
       ("Worker threads", "Fils de calcul"),
       ("Worker threads, 1 to 256 (default: one per core).",
        "Fils de calcul, de 1 à 256 (par défaut : un par cœur)."),
       minimum=1, maximum=256, advanced=True),
    _o("--tariff", FILE,
       ("ACI tariff table", "Table du tarif ACI"),
       ("ACI tariff replacing the shipped one (line;mission;t1;t2;t3;t4;in_maximum).",
        "Tarif ACI remplaçant celui fourni (line;mission;t1;t2;t3;t4;in_maximum)."),
       extensions="csv", advanced=True),
    _o("--communes-crs", CRS,
       ("CRS of the communes, when the file declares none", "SCR des communes, si le fichier n'en déclare pas"),
       ("CRS of the communes (and arrondissements) layer when its file declares none.",
        "SCR de la couche des communes (et arrondissements) quand son fichier n'en déclare pas."),
       advanced=True),
    _o("--perimeters-crs", CRS,
       ("CRS of the perimeters, when the file declares none", "SCR des périmètres, si le fichier n'en déclare pas"),
       ("CRS of the perimeter layer when its file declares none.",
        "SCR de la couche des périmètres quand son fichier n'en déclare pas."),
       advanced=True),
    _o("--no-cache", BOOL,
       ("Do not use the cache of communes", "Ne pas utiliser le cache des communes"),
       ("Read the communes from their files, neither using nor filling the cache.",
        "Lit les communes dans leurs fichiers, sans utiliser ni remplir le cache."),
       default=False, advanced=True),
    _o("--cache-dir", FOLDER,
       ("Cache folder", "Dossier du cache"),
       ("Where the communes read once are kept for the next runs (default: "
        "~/.cache/cpts-coverage/territories).",
        "Où les communes lues une fois sont gardées pour les exécutions suivantes (par défaut : "
        "~/.cache/cpts-coverage/territories)."),
       advanced=True),
    _o("--code-field", TEXT,
       ("INSEE code field of the communes", "Champ du code INSEE des communes"),
       ("INSEE code property (IGN: INSEE_COM).", "Attribut du code INSEE (IGN : INSEE_COM)."),
       default="code", optional=False, advanced=True),
    _o("--nom-field", TEXT,
       ("Name field of the communes", "Champ du nom des communes"),
       ("Name property (IGN: NOM).", "Attribut du nom (IGN : NOM)."),
       default="nom", optional=False, advanced=True),
    _o("--population-field", TEXT,
       ("Population field of the communes", "Champ de la population des communes"),
       ("Population property (IGN: POPULATION).", "Attribut de la population (IGN : POPULATION)."),
       default="population", optional=False, advanced=True),
    _o("--departement-field", TEXT,
       ("Département field of the communes", "Champ du département des communes"),
       ("Département code property (IGN: INSEE_DEP).", "Attribut du code du département (IGN : INSEE_DEP)."),
       default="departement", optional=False, advanced=True),
    _o("--region-field", TEXT,
       ("Region field of the communes", "Champ de la région des communes"),
       ("Region code property (IGN: INSEE_REG).", "Attribut du code de la région (IGN : INSEE_REG)."),
       default="region", optional=False, advanced=True),
    _o("--epci-field", TEXT,
       ("EPCI field of the communes", "Champ de l'EPCI des communes"),
       ("EPCI (intercommunality) property, along whose lines the plan draws new CPTS "
        "(default: the first of epci, SIREN_EPCI, code_epci the layer has).",
        "Attribut de l'EPCI (intercommunalité), selon lequel le plan dessine les nouvelles CPTS "
        "(par défaut : le premier de epci, SIREN_EPCI, code_epci présent)."),
       advanced=True),
    _o("--cpts-id-field", TEXT,
       ("CPTS id column", "Colonne de l'identifiant des CPTS"),
       ("Column of the CPTS id (default: id, cpts_id, code_cpts…; without one, the name is the id).",
        "Colonne de l'identifiant des CPTS (par défaut : id, cpts_id, code_cpts… ; sans elle, le nom sert d'identifiant)."),
       advanced=True),
    _o("--cpts-name-field", TEXT,
       ("CPTS name column", "Colonne du nom des CPTS"),
       ("Column of the CPTS name (default: nom, cpts_nom, nom_cpts, name…).",
        "Colonne du nom des CPTS (par défaut : nom, cpts_nom, nom_cpts, name…)."),
       advanced=True),
    _o("--cpts-status-field", TEXT,
       ("CPTS status column", "Colonne du statut des CPTS"),
       ("Column of the status (default: statut, statut_aci, status…).",
        "Colonne du statut (par défaut : statut, statut_aci, status…)."),
       advanced=True),
    _o("--status-map", FILE,
       ("Table of status labels", "Table des libellés de statut"),
       ("Table of status labels (label;statut lines) replacing the shipped one.",
        "Table des libellés de statut (lignes libellé;statut) remplaçant celle fournie."),
       extensions="csv", advanced=True),
    _o("--default-status", ENUM,
       ("Status when none is given", "Statut quand aucun n'est donné"),
       ("Status of the CPTS when the file has no status column or a blank status.",
        "Statut des CPTS quand le fichier n'a pas de colonne de statut ou un statut vide."),
       default=0, optional=False, choices=STATUSES, advanced=True),
    _o("--exclude-where", LINES,
       ("Drop the features where FIELD=VALUE", "Écarter les entités où CHAMP=VALEUR"),
       ("Drop the features (or rows) whose FIELD reads VALUE, such as nom_cpts=HORS CPTS; "
        "several separated by semicolons.",
        "Écarte les entités (ou lignes) dont le CHAMP vaut VALEUR, comme nom_cpts=HORS CPTS ; "
        "plusieurs séparées par des points-virgules.")),
    _o("--sheet", TEXT,
       ("Sheet of a spreadsheet membership table", "Feuille d'une table d'appartenance en tableur"),
       ("Sheet of a spreadsheet membership table (default: the first, or the layer's).",
        "Feuille d'une table d'appartenance en tableur (par défaut : la première, ou celle de la couche)."),
       advanced=True),
    _o("--member-code-field", TEXT,
       ("Commune code column of a membership table", "Colonne des codes communes d'une table d'appartenance"),
       ("Column of a membership table's commune codes (default: code_insee, insee, code_commune…).",
        "Colonne des codes communes d'une table d'appartenance (par défaut : code_insee, insee, code_commune…)."),
       advanced=True),
    _o("--code-passage", FILE,
       ("Passage table of INSEE codes", "Table de passage des codes INSEE"),
       ("Passage table (old INSEE code → current code) replacing the shipped one: "
        "ancien_code;nouveau_code, or INSEE's CODGEO_INI;CODGEO_2024.",
        "Table de passage (ancien code INSEE → code actuel) remplaçant celle fournie : "
        "ancien_code;nouveau_code, ou CODGEO_INI;CODGEO_2024 de l'INSEE."),
       extensions="csv xlsx ods", advanced=True),
)

# How analyze and plan write their outputs.
REPORT = (
    _o("--format", ENUM,
       ("Format of the map layers", "Format des couches"),
       ("The map layers as GeoJSON files each with its QGIS style, or as one GeoPackage "
        "(cpts-coverage.gpkg) holding every layer and its style.",
        "Les couches en fichiers GeoJSON chacun avec son style QGIS, ou en un GeoPackage "
        "(cpts-coverage.gpkg) contenant toutes les couches et leurs styles."),
       default=0, optional=False, choices=("geojson", "gpkg")),
    LANG,
    _o("--focus", CODES,
       ("Départements or regions mapped in detail", "Départements ou régions cartographiés en détail"),
       ("Départements (22) or regions (region:53) that report.html also maps commune by "
        "commune, separated by spaces or commas.",
        "Départements (22) ou régions (region:53) que report.html cartographie aussi commune "
        "par commune, séparés par des espaces ou des virgules.")),
)


def _out(en, fr):
    return _o("--out", OUT_FOLDER, ("Output folder", "Dossier de sortie"), (en, fr), optional=False)


ANALYZE = (
    COMMUNES,
    PERIMETERS,
    _out("Output folder, new or empty (see the option to replace an earlier run).",
         "Dossier de sortie, nouveau ou vide (voir l'option de remplacement d'une exécution antérieure)."),
    FORCE,
) + REPORT + ANALYSIS

PLAN = (
    COMMUNES,
    PERIMETERS,
    _out("Output folder: the outputs of the analysis, their reports with the plan, and "
         "plan.json, plan.csv, plan.md, proposals.geojson.",
         "Dossier de sortie : les sorties de l'analyse, leurs rapports avec le plan, et "
         "plan.json, plan.csv, plan.md, proposals.geojson."),
    FORCE,
    _o("--new-cpts-min", NUMBER,
       ("Population of a white zone proposed as a new CPTS", "Population d'une zone blanche proposée en nouvelle CPTS"),
       ("A white zone of at least this many inhabitants is proposed as a new CPTS.",
        "Une zone blanche d'au moins ce nombre d'habitants est proposée en nouvelle CPTS."),
       default=20000.0, optional=False, minimum=0.0),
    _o("--min-border-m", NUMBER,
       ("Shared border making a CPTS adjacent (m)", "Frontière commune rendant une CPTS voisine (m)"),
       ("A CPTS is adjacent to a white zone when they share at least this border (metres).",
        "Une CPTS est voisine d'une zone blanche quand elles partagent au moins cette frontière (mètres)."),
       default=100.0, optional=False, minimum=0.0),
    _o("--regional-min", NUMBER,
       ("Regional minimum population of a CPTS", "Population minimale régionale d'une CPTS"),
       ("A CPTS under this population is proposed a merger.",
        "Une CPTS sous cette population se voit proposer une fusion."),
       default=20000.0, optional=False, minimum=0.0),
    _o("--cross-departements", BOOL,
       ("Rank CPTS of other départements alike", "Classer les CPTS des autres départements à égalité"),
       ("Rank the CPTS of other départements with those of the white zone's (by default they come after them).",
        "Classe les CPTS des autres départements avec celles du département de la zone blanche "
        "(par défaut elles viennent après)."),
       default=False),
    _o("--cross-regions", BOOL,
       ("Allow CPTS of another region", "Autoriser les CPTS d'une autre région"),
       ("Let a CPTS of another region take a white zone in, or merge (by default each ARS "
        "plans its own region).",
        "Permet à une CPTS d'une autre région de prendre une zone blanche, ou de fusionner (par "
        "défaut chaque ARS planifie sa région)."),
       default=False),
    _o("--ght", LAYER,
       ("GHT layer", "Couche des GHT"),
       ("GHT layer (polygons with a code_ght column): the CPTS spanning several GHT are listed.",
        "Couche des GHT (polygones avec une colonne code_ght) : les CPTS à cheval sur plusieurs GHT sont listées.")),
    _o("--ght-crs", CRS,
       ("CRS of the GHT, when the file declares none", "SCR des GHT, si le fichier n'en déclare pas"),
       ("CRS of the GHT layer when its file declares none.",
        "SCR de la couche des GHT quand son fichier n'en déclare pas."),
       advanced=True),
    _o("--apply", OUT_FILE,
       ("Perimeters with the plan accepted", "Périmètres avec le plan accepté"),
       ("Also write the perimeters as they would be with every proposal accepted: a GeoJSON "
        "layer (polygon mode) or a membership table (.csv).",
        "Écrit aussi les périmètres tels qu'ils seraient avec toutes les propositions "
        "acceptées : une couche GeoJSON (mode polygones) ou une table d'appartenance (.csv)."),
       extensions="geojson csv"),
) + REPORT + ANALYSIS

DIFF = (
    COMMUNES,
    _o("--before", TABLE,
       ("Perimeters before the change", "Périmètres avant le changement"),
       ("The perimeters before the change (polygon layer or membership table).",
        "Les périmètres avant le changement (couche de polygones ou table d'appartenance)."),
       optional=False),
    _o("--after", TABLE,
       ("Perimeters after the change", "Périmètres après le changement"),
       ("The perimeters after the change.", "Les périmètres après le changement."),
       optional=False),
    _out("Output folder: diff.json, diff_communes.csv, diff_cpts.csv, diff_overlaps.csv, "
         "diff_departements.csv, diff.geojson (the changed communes), diff.md.",
         "Dossier de sortie : diff.json, diff_communes.csv, diff_cpts.csv, diff_overlaps.csv, "
         "diff_departements.csv, diff.geojson (les communes changées), diff.md."),
    FORCE,
    _o("--allow-mode-change", BOOL,
       ("Compare a polygon layer with a membership table", "Comparer une couche de polygones à une table d'appartenance"),
       ("Compare a polygon layer with a membership table (refused otherwise: their figures differ by method).",
        "Compare une couche de polygones à une table d'appartenance (refusé sinon : leurs chiffres "
        "diffèrent par la méthode)."),
       default=False),
    LANG,
) + ANALYSIS

CHECK = (
    _o("--baseline", FILE,
       ("Baseline summary.json", "summary.json de référence"),
       ("The baseline: the summary.json of an earlier run.", "La référence : le summary.json d'une exécution antérieure."),
       optional=False, extensions="json"),
    _o("--current", FILE,
       ("Current summary.json", "summary.json courant"),
       ("The summary to check: the summary.json of the current run.",
        "Le résumé à vérifier : le summary.json de l'exécution courante."),
       optional=False, extensions="json"),
    _o("--rules", FILE,
       ("Rules (TOML)", "Règles (TOML)"),
       ("Rules as TOML: max_coverage_drop, max_departement_drop, population_tolerance, "
        "allow_new_overlaps, expected_tier_changes; the parameters below override them.",
        "Règles en TOML : max_coverage_drop, max_departement_drop, population_tolerance, "
        "allow_new_overlaps, expected_tier_changes ; les paramètres ci-dessous les remplacent."),
       extensions="toml"),
    _o("--max-coverage-drop", NUMBER,
       ("Largest national coverage drop (points)", "Plus forte baisse nationale de couverture (points)"),
       ("Largest allowed drop of the national coverage rate, in points (0.5 = half a point).",
        "Plus forte baisse permise du taux de couverture national, en points (0,5 = un demi-point)."),
       minimum=0.0),
    _o("--max-departement-drop", NUMBER,
       ("Largest drop in a département (points)", "Plus forte baisse dans un département (points)"),
       ("Largest allowed drop of a département's coverage rate, in points.",
        "Plus forte baisse permise du taux de couverture d'un département, en points."),
       minimum=0.0),
    _o("--allow-new-overlaps", BOOL,
       ("Accept new overlaps", "Accepter les nouveaux chevauchements"),
       ("Accept overlaps that were not in the baseline.",
        "Accepte les chevauchements absents de la référence."),
       default=False),
    _o("--population-tolerance", NUMBER,
       ("Population tolerance (%)", "Tolérance sur la population (%)"),
       ("Largest relative change of the population, in percent, nationally and by département.",
        "Plus forte variation relative de la population, en pourcentage, nationale et par département."),
       minimum=0.0),
    _o("--expect-tier-change", CODES,
       ("CPTS whose tier may change", "CPTS dont la taille peut changer"),
       ("Ids of the CPTS whose size tier may change, separated by spaces or commas.",
        "Identifiants des CPTS dont la taille peut changer, séparés par des espaces ou des virgules.")),
    _o("--allow-mode-change", BOOL,
       ("Compare a polygon run with a membership run", "Comparer une exécution polygones à une exécution appartenance"),
       ("Compare a polygon run with a membership run (refused otherwise).",
        "Compare une exécution en mode polygones à une exécution en mode appartenance (refusé sinon)."),
       default=False),
    _o("--allow-territory-change", BOOL,
       ("Compare runs over different territories", "Comparer des exécutions sur des territoires différents"),
       ("Compare runs over different territories, judging the départements they share.",
        "Compare des exécutions sur des territoires différents, en jugeant les départements communs."),
       default=False),
    LANG,
    _o("--report-dir", OUT_FOLDER,
       ("Folder of check.md and check.junit.xml", "Dossier de check.md et check.junit.xml"),
       ("Where check.md and check.junit.xml are written.", "Où check.md et check.junit.xml sont écrits."),
       optional=False),
)

VALIDATE = (
    COMMUNES,
    PERIMETERS,
    _o("--json", OUT_FILE,
       ("Findings as JSON", "Constats en JSON"),
       ("The findings as JSON ({exit_status, findings: [{level, kind, message, fix}]}).",
        "Les constats en JSON ({exit_status, findings: [{level, kind, message, fix}]})."),
       optional=False, extensions="json"),
    _o("--force", BOOL,
       ("Replace the JSON file if it exists", "Remplacer le fichier JSON s'il existe"),
       ("Replace the JSON file if it exists (never an input).",
        "Remplace le fichier JSON s'il existe (jamais une entrée)."),
       default=False),
) + ANALYSIS

VERBS = {"analyze": ANALYZE, "plan": PLAN, "diff": DIFF, "check": CHECK, "validate": VALIDATE}

