"""One Processing algorithm per verb of cpts: analyze, plan, diff, check and validate.

Each offers every option of its verb as a parameter (options.py), runs cpts with them,
and returns what the run wrote: the output folder, the map layers, the figures."""

import datetime
import json
import os
import re

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from qgis.PyQt.QtCore import QVariant

from . import executable, inputs, outputs
from . import options as o
from .language import text

OPEN_REPORT = "OPEN_REPORT"


def parameter(option):
    """The Processing parameter of `option`, labelled and explained in QGIS's language."""
    name, label, optional = option.name, text(*option.label), option.optional
    if option.kind in (o.LAYER, o.TABLE):
        types = [QgsProcessing.TypeVectorPolygon if option.kind == o.LAYER else QgsProcessing.TypeVector]
        made = QgsProcessingParameterFeatureSource(name, label, types, optional=optional)
    elif option.kind in (o.FILE, o.FOLDER):
        behavior = QgsProcessingParameterFile.File if option.kind == o.FILE else QgsProcessingParameterFile.Folder
        made = QgsProcessingParameterFile(name, label, behavior, optional=optional, fileFilter=_filter(option))
    elif option.kind == o.OUT_FOLDER:
        made = QgsProcessingParameterFolderDestination(name, label, optional=optional)
    elif option.kind == o.OUT_FILE:
        made = QgsProcessingParameterFileDestination(name, label, _filter(option), optional=optional)
    elif option.kind in (o.TEXT, o.CODES, o.LINES):
        made = QgsProcessingParameterString(name, label, option.default, optional=optional)
    elif option.kind in (o.NUMBER, o.INTEGER):
        kind = QgsProcessingParameterNumber.Double if option.kind == o.NUMBER else QgsProcessingParameterNumber.Integer
        made = QgsProcessingParameterNumber(name, label, kind, option.default, optional)
        if option.minimum is not None:
            made.setMinimum(option.minimum)
        if option.maximum is not None:
            made.setMaximum(option.maximum)
    elif option.kind == o.BOOL:
        made = QgsProcessingParameterBoolean(name, label, option.default, optional=True)
    elif option.kind in (o.ENUM, o.ENUMS):
        made = QgsProcessingParameterEnum(name, label, list(option.choices), option.kind == o.ENUMS,
                                          option.default, optional)
    elif option.kind == o.CRS:
        made = QgsProcessingParameterCrs(name, label, optional=optional)
    else:
        raise ValueError(option.kind)
    made.setHelp(text(*option.help))
    if option.advanced:
        made.setFlags(made.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    return made


def _filter(option):
    if not option.extensions:
        return text("All files (*)", "Tous les fichiers (*)")
    patterns = " ".join(f"*.{e}" for e in option.extensions.split())
    return f"{option.extensions.upper()} ({patterns})"


class CptsAlgorithm(QgsProcessingAlgorithm):
    """An algorithm running `cpts VERB`."""

    VERB = ""
    OPTIONS = ()
    TITLE = ("", "")
    HELP = ("", "")
    STAGES = True  # the verb prints its stages with -v
    ACCEPTED = (0,)  # exit statuses that are results, not failures

    def __init__(self):
        super().__init__()
        self.results = {}
        self.run_name = ""
        self.out = ""
        self.open_report = False

    def createInstance(self):
        return type(self)()

    def name(self):
        return self.VERB

    def displayName(self):
        return text(*self.TITLE)

    def shortHelpString(self):
        lines = [text(*self.HELP), ""]
        lines += [f"<b>{text(*option.label)}</b> ({option.flag}): {text(*option.help)}" for option in self.OPTIONS]
        return "<br>".join(lines)

    def initAlgorithm(self, config=None):
        for option in self.OPTIONS:
            self.addParameter(parameter(option))
        self.add_outputs()

    def add_outputs(self):
        """Declares the outputs of the verb."""

    def arguments(self, parameters, context, feedback):
        """The command line of the run, after the verb."""
        args = ["-v"] if self.STAGES else []
        sheet_set = bool(self.parameterAsString(parameters, "SHEET", context)) if "SHEET" in parameters else False
        for option in self.OPTIONS:
            args += self.argument(option, parameters, context, feedback, sheet_set)
        return args

    def argument(self, option, parameters, context, feedback, sheet_set):
        """The words of `option` on the command line (none when it is unset)."""
        name, flag, kind = option.name, option.flag, option.kind
        value = parameters.get(name)
        if kind in (o.LAYER, o.TABLE):
            found = inputs.input_file(self, parameters, name, context, feedback)
            if found is None:
                return []
            if name in ("PERIMETERS", "BEFORE"):
                self.run_name = self.run_name or found.label
            if name == "AFTER":
                self.run_name = f"{self.run_name} → {found.label}"
            if found.sheet and not sheet_set and name == "PERIMETERS":
                return [flag, found.path, "--sheet", found.sheet]
            return [flag, found.path]
        if kind in (o.FILE, o.FOLDER):
            path = self.parameterAsFile(parameters, name, context)
            return [flag, path] if path else []
        if kind in (o.OUT_FOLDER, o.OUT_FILE):
            path = self.parameterAsFileOutput(parameters, name, context)
            if kind == o.OUT_FOLDER:
                self.out = path
            return [flag, path] if path else []
        if kind == o.TEXT:
            said = self.parameterAsString(parameters, name, context).strip()
            return [flag, said] if said else []
        if kind in (o.CODES, o.LINES):
            said = self.parameterAsString(parameters, name, context)
            pattern = r"[\s,;]+" if kind == o.CODES else r"[;\n]"
            return [word for part in re.split(pattern, said) if part.strip() for word in (flag, part.strip())]
        if kind in (o.NUMBER, o.INTEGER):
            if value is None or value == "" or (isinstance(value, QVariant) and value.isNull()):
                return []
            if kind == o.INTEGER:
                return [flag, str(self.parameterAsInt(parameters, name, context))]
            return [flag, repr(self.parameterAsDouble(parameters, name, context))]
        if kind == o.BOOL:
            return [flag] if self.parameterAsBoolean(parameters, name, context) else []
        if kind == o.ENUM:
            return [flag, option.choices[self.parameterAsEnum(parameters, name, context)]]
        if kind == o.ENUMS:
            chosen = sorted(set(self.parameterAsEnums(parameters, name, context)))
            if not chosen:
                raise QgsProcessingException(text(f"{option.flag}: choose at least one.",
                                                  f"{option.flag} : choisissez-en au moins un."))
            return [flag, ",".join(option.choices[i] for i in chosen)]
        if kind == o.CRS:
            crs = self.parameterAsCrs(parameters, name, context)
            if not crs.isValid():
                return []
            return [flag, crs.authid() or crs.toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED)]
        raise ValueError(kind)

    def processAlgorithm(self, parameters, context, feedback):
        path = executable.find()
        self.run_name = ""
        args = [self.VERB] + self.arguments(parameters, context, feedback)
        self.open_report = OPEN_REPORT in parameters and self.parameterAsBoolean(parameters, OPEN_REPORT, context)
        run = executable.run(path, args, feedback, self.ACCEPTED)
        self.results = self.outcome(run, parameters, context, feedback)
        return self.results

    def outcome(self, run, parameters, context, feedback):
        """The outputs of a run that ended well."""
        return {}

    def postProcessAlgorithm(self, context, feedback):
        return self.results


class MapAlgorithm(CptsAlgorithm):
    """An algorithm writing map layers into an output folder, loaded back into the project
    under a group named after the run."""

    REPORT = "report.html"

    def add_outputs(self):
        for name, (en, fr) in outputs.LAYERS:
            if name in self.LAYERS:
                self.addOutput(QgsProcessingOutputVectorLayer(name.upper(), text(en, fr)))
        self.addOutput(QgsProcessingOutputFile("REPORT", text("Report", "Rapport")))

    def add_open_report(self):
        self.addParameter(QgsProcessingParameterBoolean(
            OPEN_REPORT, text("Open the report in the browser", "Ouvrir le rapport dans le navigateur"), False))

    def outcome(self, run, parameters, context, feedback):
        results = {"OUT": self.out, "REPORT": os.path.join(self.out, self.REPORT)}
        for name, uri in outputs.layer_uris(self.out):
            results[name.upper()] = uri
        return results

    def postProcessAlgorithm(self, context, feedback):
        project = context.project()
        if project is not None and self.out:
            stamp = datetime.datetime.now().strftime("%H:%M:%S")
            group = f"cpts {self.VERB}: {self.run_name} ({stamp})"
            outputs.load_layers(self.out, project, group, feedback)
        if self.open_report:
            outputs.open_report(self.results["REPORT"])
        return self.results


class SummaryAlgorithm(MapAlgorithm):
    """analyze and plan: the headline figures of summary.json as outputs."""

    def add_outputs(self):
        super().add_outputs()
        self.addOutput(QgsProcessingOutputFile("SUMMARY", "summary.json"))
        for output, _, en, fr in outputs.SUMMARY_FIGURES:
            self.addOutput(QgsProcessingOutputNumber(output, text(en, fr)))

    def initAlgorithm(self, config=None):
        super().initAlgorithm(config)
        self.add_open_report()

    def outcome(self, run, parameters, context, feedback):
        results = super().outcome(run, parameters, context, feedback)
        results["SUMMARY"] = os.path.join(self.out, "summary.json")
        figures = outputs.summary_figures(self.out)
        outputs.log_figures(figures, feedback)
        results.update(figures)
        return results


class AnalyzeAlgorithm(SummaryAlgorithm):
    VERB = "analyze"
    OPTIONS = o.ANALYZE
    LAYERS = ("overlaps", "white_zones", "cpts", "communes")
    TITLE = ("Coverage analysis", "Analyse de couverture")
    HELP = (
        "Overlays the communes with the CPTS perimeters (cpts analyze): coverage rates by "
        "nation, region, département and status, white zones, overlaps, each CPTS's "
        "population, size tier and maximum ACI funding. The styled layers are added to the "
        "project in a group named after the run; the figures are the algorithm's outputs.",
        "Croise les communes avec les périmètres des CPTS (cpts analyze) : taux de couverture "
        "national, par région, département et statut, zones blanches, chevauchements, "
        "population, taille et financement ACI maximal de chaque CPTS. Les couches stylées "
        "sont ajoutées au projet dans un groupe nommé d'après l'exécution ; les chiffres sont "
        "les sorties de l'algorithme.",
    )


class PlanAlgorithm(SummaryAlgorithm):
    VERB = "plan"
    OPTIONS = o.PLAN
    LAYERS = ("proposals", "overlaps", "white_zones", "cpts", "communes")
    TITLE = ("Plan 100 % CPTS", "Plan 100 % CPTS")
    HELP = (
        "Proposes how to close the white zones (a neighbouring CPTS extended, or a new CPTS "
        "along the intercommunalities) and end the overlaps, with populations, tiers and "
        "funding (cpts plan).",
        "Propose comment résorber les zones blanches (extension d'une CPTS voisine, ou "
        "nouvelle CPTS selon les intercommunalités) et mettre fin aux chevauchements, avec "
        "populations, tailles et financements (cpts plan).",
    )

    def add_outputs(self):
        super().add_outputs()
        self.addOutput(QgsProcessingOutputFile("PLAN", "plan.json"))
        self.addOutput(QgsProcessingOutputNumber("FUNDING_BEFORE_EUR", text(
            "Maximum funding now (€)", "Financement maximal actuel (€)")))
        self.addOutput(QgsProcessingOutputNumber("FUNDING_AFTER_EUR", text(
            "Maximum funding with the plan (€)", "Financement maximal avec le plan (€)")))

    def outcome(self, run, parameters, context, feedback):
        results = super().outcome(run, parameters, context, feedback)
        results["PLAN"] = os.path.join(self.out, "plan.json")
        with open(results["PLAN"], encoding="utf-8") as f:
            funding = json.load(f)["funding"]
        results["FUNDING_BEFORE_EUR"] = funding["before_eur"]
        results["FUNDING_AFTER_EUR"] = funding["after_eur"]
        return results


class DiffAlgorithm(MapAlgorithm):
    VERB = "diff"
    OPTIONS = o.DIFF
    LAYERS = ("diff",)
    REPORT = "diff.md"
    TITLE = ("Compare two perimeter versions", "Comparer deux versions des périmètres")
    HELP = (
        "Compares two perimeter files on the same communes (cpts diff): communes newly covered "
        "or uncovered, CPTS created, removed, grown or shrunk, coverage by département.",
        "Compare deux fichiers de périmètres sur les mêmes communes (cpts diff) : communes "
        "nouvellement couvertes ou découvertes, CPTS créées, supprimées, agrandies ou réduites, "
        "couverture par département.",
    )
    FIGURES = (
        ("COVERAGE_RATE_BEFORE", "coverage_rate_before", "Coverage rate before", "Taux de couverture avant"),
        ("COVERAGE_RATE_AFTER", "coverage_rate_after", "Coverage rate after", "Taux de couverture après"),
        ("NEWLY_COVERED", "newly_covered", "Communes newly covered", "Communes nouvellement couvertes"),
        ("NEWLY_UNCOVERED", "newly_uncovered", "Communes newly uncovered", "Communes qui ne le sont plus"),
    )

    def add_outputs(self):
        super().add_outputs()
        self.addOutput(QgsProcessingOutputFile("DIFF_JSON", "diff.json"))
        for output, _, en, fr in self.FIGURES:
            self.addOutput(QgsProcessingOutputNumber(output, text(en, fr)))

    def outcome(self, run, parameters, context, feedback):
        results = super().outcome(run, parameters, context, feedback)
        results["DIFF_JSON"] = os.path.join(self.out, "diff.json")
        with open(results["DIFF_JSON"], encoding="utf-8") as f:
            diff = json.load(f)
        for output, key, en, fr in self.FIGURES:
            results[output] = diff[key]
            feedback.pushInfo(f"{text(en, fr)}: {diff[key]}")
        return results


class CheckAlgorithm(CptsAlgorithm):
    VERB = "check"
    OPTIONS = o.CHECK
    STAGES = False
    ACCEPTED = (0, 1)
    TITLE = ("Regression check of two summaries", "Contrôle de non-régression de deux résumés")
    HELP = (
        "Compares a summary.json with a baseline under regression rules (cpts check): "
        "PASSED is false when a rule breaks; check.md and check.junit.xml say which.",
        "Compare un summary.json à une référence selon des règles de non-régression (cpts "
        "check) : PASSED est faux quand une règle est enfreinte ; check.md et check.junit.xml "
        "disent laquelle.",
    )

    def add_outputs(self):
        self.addOutput(QgsProcessingOutputBoolean("PASSED", text("Every rule holds", "Toutes les règles tiennent")))
        self.addOutput(QgsProcessingOutputFile("CHECK_MD", "check.md"))
        self.addOutput(QgsProcessingOutputFile("JUNIT", "check.junit.xml"))

    def outcome(self, run, parameters, context, feedback):
        folder = self.out
        if run.code == 1:
            feedback.reportError(run.stdout.splitlines()[0] if run.stdout else "cpts check: FAILED")
        return {
            "PASSED": run.code == 0,
            "REPORT_DIR": folder,
            "CHECK_MD": os.path.join(folder, "check.md"),
            "JUNIT": os.path.join(folder, "check.junit.xml"),
        }


class ValidateAlgorithm(CptsAlgorithm):
    VERB = "validate"
    OPTIONS = o.VALIDATE
    STAGES = False
    ACCEPTED = (0, 1)
    TITLE = ("Validate the inputs", "Valider les entrées")
    HELP = (
        "Reads and analyses the inputs without writing any output (cpts validate) and lists "
        "every finding with its fix. Warnings are results (EXIT_STATUS 1); errors stop the "
        "algorithm with the findings.",
        "Lit et analyse les entrées sans rien écrire (cpts validate) et liste chaque constat "
        "avec sa correction. Les avertissements sont des résultats (EXIT_STATUS 1) ; les "
        "erreurs arrêtent l'algorithme avec les constats.",
    )

    def add_outputs(self):
        self.addOutput(QgsProcessingOutputNumber("EXIT_STATUS", text(
            "Exit status (0 clean, 1 warnings)", "Statut de sortie (0 propre, 1 avertissements)")))
        self.addOutput(QgsProcessingOutputNumber("WARNINGS", text("Warnings", "Avertissements")))
        self.addOutput(QgsProcessingOutputNumber("NOTES", text("Notes", "Notes")))

    def outcome(self, run, parameters, context, feedback):
        path = self.parameterAsFileOutput(parameters, "JSON", context)
        with open(path, encoding="utf-8") as f:
            findings = json.load(f)["findings"]
        count = {level: sum(f["level"] == level for f in findings) for level in ("warning", "info")}
        return {"EXIT_STATUS": run.code, "WARNINGS": count["warning"], "NOTES": count["info"], "JSON": path}


ALGORITHMS = (AnalyzeAlgorithm, PlanAlgorithm, DiffAlgorithm, CheckAlgorithm, ValidateAlgorithm)
