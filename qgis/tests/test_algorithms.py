"""The algorithms from PyQGIS, on layers of a project: the styled outputs added in a group,
the figures returned, cpts's errors shown whole, cancellation, the executable setting,
and every option of each verb offered as a parameter."""

import json
import os
import re
import shutil
import stat
import subprocess
import threading
import time
import unittest

import harness

APP = harness.start_qgis()

import processing  # noqa: E402  (needs the application started)
from cpts_coverage import executable, inputs, options, outputs  # noqa: E402
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsFeature,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSettings  # noqa: E402


def memory_copy(path, name, keep=lambda feature: True, edit=None):
    """The features of the file `path` copied into a memory layer (those `keep` takes,
    each passed through `edit`)."""
    source = QgsVectorLayer(path, "source", "ogr")
    assert source.isValid(), path
    kinds = {1: "Point", 2: "LineString", 3: "MultiPolygon"}
    layer = QgsVectorLayer(f"{kinds[source.geometryType() + 1]}?crs={source.crs().authid()}", name, "memory")
    provider = layer.dataProvider()
    provider.addAttributes(source.fields().toList())
    layer.updateFields()
    copied = []
    for feature in source.getFeatures():
        if keep(feature):
            copy = QgsFeature(layer.fields())
            copy.setGeometry(feature.geometry())
            copy.setAttributes(feature.attributes())
            if edit:
                edit(copy)
            copied.append(copy)
    provider.addFeatures(copied)
    return layer


def run(algorithm, parameters, project=None, feedback=None):
    """Runs `cpts:<algorithm>` in `project` (a new one by default)."""
    context = QgsProcessingContext()
    context.setProject(project or QgsProject())
    return processing.run(f"cpts:{algorithm}", parameters, context=context,
                          feedback=feedback or QgsProcessingFeedback())


def children(name):
    """The ids of this process's children running `name`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and comm == name:
            found.append(int(pid))
    return found


class Analyze(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = harness.scratch()
        cls.cli = os.path.join(cls.dir, "cli")
        harness.cli("analyze", "-q", "--communes", harness.COMMUNES, "--perimeters", harness.PERIMETERS,
                    "--out", cls.cli)
        cls.summary = harness.read_json(os.path.join(cls.cli, "summary.json"))

    def test_layers_of_the_project_one_in_memory_give_styled_layers_in_a_group(self):
        project = QgsProject()
        communes = QgsVectorLayer(harness.COMMUNES, "communes-22", "ogr")
        perimeters = memory_copy(harness.PERIMETERS, "CPTS en mémoire")
        project.addMapLayers([communes, perimeters])
        feedback = QgsProcessingFeedback()
        results = run("analyze", {"COMMUNES": communes, "PERIMETERS": perimeters,
                                  "OUT": os.path.join(self.dir, "memory")}, project, feedback)

        # The memory layer went through a temporary GeoPackage; the figures are those of
        # the command line on the file it was copied from.
        for figure in ("total_population", "covered_population", "white_zone_count", "overlap_count"):
            self.assertEqual(results[figure.upper()], self.summary[figure], figure)
        self.assertAlmostEqual(results["COVERAGE_RATE"], self.summary["coverage_rate"], places=12)
        self.assertAlmostEqual(results["WHITE_ZONE_POPULATION"], self.summary["white_zone_population"], places=6)
        self.assertEqual(results["TOTAL_POPULATION"], 598814)
        self.assertAlmostEqual(results["COVERAGE_RATE"], 0.75, places=4)

        groups = project.layerTreeRoot().findGroups()
        self.assertEqual(len(groups), 1)
        self.assertEqual(project.layerTreeRoot().children()[0], groups[0])
        self.assertRegex(groups[0].name(), r"^cpts analyze: CPTS en mémoire \(\d\d:\d\d:\d\d\)$")
        layers = [node.layer() for node in groups[0].findLayers()]
        self.assertEqual([layer.name() for layer in layers], ["Overlaps", "White zones", "CPTS", "Communes"])
        self.assertTrue(all(layer.isValid() for layer in layers))
        overlaps, white_zones, cpts, communes_out = layers
        self.assertEqual(overlaps.featureCount(), self.summary["overlap_count"])
        self.assertEqual(white_zones.featureCount(), self.summary["white_zone_count"])
        self.assertEqual(cpts.featureCount(), 5)
        self.assertEqual(communes_out.featureCount(), 344)
        self.check_styles(layers)
        # The log tells the temporary file, each stage of cpts -v as it came, the figures.
        log = feedback.textLog()
        self.assertRegex(log, r"CPTS en mémoire written to \S+\.gpkg for cpts")
        self.assertRegex(log, r"\[\s*\d+\.\d\ds\] overlaying communes and perimeters")
        self.assertIn("Total population: 598814", log)
        self.assertIn("Coverage rate: 75.00 %", log)
        self.assertEqual(feedback.progress(), 100)

    def test_layers_are_handed_over_by_their_files_or_written(self):
        folder = harness.scratch()
        gpkg = os.path.join(folder, "layers.gpkg")
        for name, path in (("communes", harness.COMMUNES), ("perimetres", harness.PERIMETERS)):
            options = QgsVectorFileWriter.SaveVectorOptions()
            options.layerName = name
            if os.path.exists(gpkg):
                options.actionOnExistingFile = QgsVectorFileWriter.CreateOrOverwriteLayer
            written = QgsVectorFileWriter.writeAsVectorFormatV3(
                QgsVectorLayer(path, name, "ogr"), gpkg, QgsProject().transformContext(), options)
            self.assertEqual(written[0], QgsVectorFileWriter.NoError, written)
        communes = QgsVectorLayer(f"{gpkg}|layername=communes", "communes", "ogr")
        self.assertEqual(inputs.source_file(communes).path, f"{gpkg}:communes")
        csv = QgsVectorLayer(f"file://{harness.FIXTURES}/cpts-22.csv?delimiter=;", "listes", "delimitedtext")
        self.assertTrue(csv.isValid())
        self.assertEqual(inputs.source_file(csv).path, os.path.join(harness.FIXTURES, "cpts-22.csv"))

        # A filter, or a selection, is not in the file: the features shown are written.
        filtered = QgsVectorLayer(harness.PERIMETERS, "filtered", "ogr")
        filtered.setSubsetString("\"id\" <> 'CPTS-22-05'")
        self.assertIsNone(inputs.source_file(filtered))
        selected = QgsVectorLayer(harness.PERIMETERS, "selected", "ogr")
        selected.selectByExpression("\"id\" <> 'CPTS-22-05'")
        project = QgsProject()
        project.addMapLayers([communes, filtered, selected, csv])
        for perimeters in (filtered, QgsProcessingFeatureSourceDefinition(selected.id(), True)):
            results = run("analyze", {"COMMUNES": communes, "PERIMETERS": perimeters,
                                      "OUT": os.path.join(folder, "out")}, project)
            # cpts diff's figure for the fixtures without CPTS-22-05.
            self.assertAlmostEqual(results["COVERAGE_RATE"], 0.6999601905975834, places=12)
            self.assertEqual(results["TOTAL_POPULATION"], 598814)
            shutil.rmtree(os.path.join(folder, "out"))

        membership = os.path.join(folder, "membership")
        harness.cli("analyze", "-q", "--communes", harness.COMMUNES, "--perimeters",
                    os.path.join(harness.FIXTURES, "cpts-22.csv"), "--out", membership)
        expected = harness.read_json(os.path.join(membership, "summary.json"))
        self.assertEqual(expected["mode"], "membership")
        in_memory = QgsVectorLayer("None", "listes en mémoire", "memory")
        in_memory.dataProvider().addAttributes(csv.fields().toList())
        in_memory.updateFields()
        in_memory.dataProvider().addFeatures(list(csv.getFeatures()))
        for table in (csv, in_memory):
            results = run("analyze", {"COMMUNES": communes, "PERIMETERS": table,
                                      "OUT": os.path.join(folder, "out")}, project)
            summary = harness.read_json(results["SUMMARY"])
            self.assertEqual(summary["mode"], "membership")
            self.assertEqual(summary["coverage_rate"], expected["coverage_rate"])
            self.assertEqual(summary["cpts"], expected["cpts"])
            shutil.rmtree(os.path.join(folder, "out"))

    def check_styles(self, layers):
        """The styles of the run, as QGIS read them."""
        overlaps, white_zones, cpts, communes = layers
        self.assertEqual(communes.renderer().type(), "graduatedSymbol")
        self.assertEqual(communes.renderer().classAttribute(), "class_share")
        self.assertGreaterEqual(len(communes.renderer().ranges()), 3)
        self.assertEqual(cpts.renderer().type(), "categorizedSymbol")
        self.assertEqual(cpts.renderer().classAttribute(), "statut")
        self.assertTrue({"signataire_aci", "projet", "pre_projet"}
                        <= {c.value() for c in cpts.renderer().categories()})
        self.assertTrue(cpts.labelsEnabled())
        self.assertEqual(white_zones.renderer().type(), "singleSymbol")
        self.assertEqual(overlaps.renderer().type(), "singleSymbol")
        self.assertNotEqual(white_zones.renderer().symbol().color().name(),
                            overlaps.renderer().symbol().color().name())

    def test_the_geopackage_brings_its_styles(self):
        project = QgsProject()
        run("analyze", {"COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS, "FORMAT": 1,
                        "LANG": 1, "OUT": os.path.join(self.dir, "gpkg")}, project)
        layers = [node.layer() for node in project.layerTreeRoot().children()[0].findLayers()]
        self.assertEqual(len(layers), 4)
        self.assertTrue(all("cpts-coverage.gpkg|layername=" in layer.source() for layer in layers))
        self.check_styles(layers)

    def test_the_report_opens_on_request_only(self):
        opened = []
        shown = outputs.open_report
        outputs.open_report = opened.append
        try:
            run("analyze", {"COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS,
                            "OUT": os.path.join(self.dir, "silent")})
            self.assertEqual(opened, [])
            results = run("analyze", {"COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS,
                                      "OUT": os.path.join(self.dir, "shown"), "OPEN_REPORT": True})
        finally:
            outputs.open_report = shown
        self.assertEqual(opened, [os.path.join(self.dir, "shown", "report.html")])
        self.assertEqual(results["REPORT"], opened[0])

    def test_options_reach_the_command_line(self):
        results = run("analyze", {"COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS,
                                  "STATUSES": [0], "GAP_WIDTH": 0, "TERRITORY": "22",
                                  "OUT": os.path.join(self.dir, "signed")})
        cli = os.path.join(self.dir, "cli-signed")
        harness.cli("analyze", "-q", "--communes", harness.COMMUNES, "--perimeters", harness.PERIMETERS,
                    "--statuses", "signataire_aci", "--gap-width", "0", "--territory", "22", "--out", cli)
        summary = harness.read_json(os.path.join(cli, "summary.json"))
        self.assertEqual(summary["statuses_counted"], ["signataire_aci"])
        self.assertEqual(harness.read_json(results["SUMMARY"]), summary)
        self.assertLess(results["COVERAGE_RATE"], self.summary["coverage_rate"])

    def test_an_unknown_status_label_is_shown_as_cpts_says_it(self):
        def asleep(feature):
            if feature["id"] == "CPTS-22-02":
                feature["statut"] = "en sommeil"

        perimeters = memory_copy(harness.PERIMETERS, "cpts", edit=asleep)
        with self.assertRaises(QgsProcessingException) as raised:
            run("analyze", {"COMMUNES": harness.COMMUNES, "PERIMETERS": perimeters,
                            "OUT": os.path.join(self.dir, "asleep")})
        message = str(raised.exception)
        self.assertIn("en sommeil", message)
        self.assertIn("--status-map", message)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "asleep", "summary.json")))

    def test_a_missing_file_is_named_as_cpts_names_it(self):
        with self.assertRaises(QgsProcessingException) as raised:
            run("analyze", {"COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS,
                            "TARIFF": os.path.join(self.dir, "no-such-tariff.csv"),
                            "OUT": os.path.join(self.dir, "no-tariff")})
        self.assertIn("no-such-tariff.csv", str(raised.exception))

    def test_cancelling_kills_cpts(self):
        national = os.path.join(harness.SHARED, "france", "communes.geojson")
        if not os.path.isfile(national):
            self.skipTest("../shared/data is absent: no run long enough to cancel")
        feedback = QgsProcessingFeedback()
        seen = []

        def cancel_once_running():
            deadline = time.time() + 60
            while not seen and time.time() < deadline:
                seen.extend(children("cpts"))
                time.sleep(0.02)
            time.sleep(0.3)
            feedback.cancel()

        canceller = threading.Thread(target=cancel_once_running)
        canceller.start()
        started = time.time()
        with self.assertRaises(QgsProcessingException) as raised:
            run("analyze", {"COMMUNES": national,
                            "PERIMETERS": os.path.join(harness.SHARED, "world1", "cpts.geojson"),
                            "NO_CACHE": True, "THREADS": 1, "OUT": os.path.join(self.dir, "cancelled")},
                feedback=feedback)
        canceller.join()
        self.assertIn("cancel", str(raised.exception).lower())
        self.assertEqual(len(seen), 1, seen)
        self.assertFalse(os.path.exists(f"/proc/{seen[0]}"), "cpts still running after the cancel")
        self.assertEqual(children("cpts"), [])
        self.assertLess(time.time() - started, 20)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "cancelled", "summary.json")))


class OtherVerbs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = harness.scratch()

    def test_plan_returns_its_funding_and_loads_the_proposals(self):
        project = QgsProject()
        results = run("plan", {"COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS,
                               "NEW_CPTS_MIN": 10000, "OUT": os.path.join(self.dir, "plan")}, project)
        plan = harness.read_json(os.path.join(self.dir, "plan", "plan.json"))
        self.assertEqual(results["FUNDING_BEFORE_EUR"], plan["funding"]["before_eur"])
        self.assertEqual(results["FUNDING_AFTER_EUR"], plan["funding"]["after_eur"])
        self.assertEqual(results["FUNDING_BEFORE_EUR"], 2237500)
        layers = [node.layer() for node in project.layerTreeRoot().children()[0].findLayers()]
        self.assertEqual(layers[0].name(), "Proposals")
        self.assertEqual(layers[0].renderer().type(), "categorizedSymbol")
        self.assertEqual(layers[0].renderer().classAttribute(), "kind")

    def test_diff_of_a_cpts_removed(self):
        after = memory_copy(harness.PERIMETERS, "sans CPTS-22-05", keep=lambda f: f["id"] != "CPTS-22-05")
        project = QgsProject()
        results = run("diff", {"COMMUNES": harness.COMMUNES, "BEFORE": harness.PERIMETERS, "AFTER": after,
                               "OUT": os.path.join(self.dir, "diff")}, project)
        self.assertEqual(results["NEWLY_COVERED"], 0)
        self.assertEqual(results["NEWLY_UNCOVERED"], 16)
        self.assertAlmostEqual(results["COVERAGE_RATE_BEFORE"], 0.7499573648408662, places=12)
        self.assertAlmostEqual(results["COVERAGE_RATE_AFTER"], 0.6999601905975834, places=12)
        changed = harness.read_json(results["DIFF_JSON"])["communes"]
        self.assertGreaterEqual(len(changed), 16)
        group = project.layerTreeRoot().children()[0]
        self.assertRegex(group.name(), r"^cpts diff: cpts-22 → sans CPTS-22-05 \(\d\d:\d\d:\d\d\)$")
        self.assertEqual([n.layer().featureCount() for n in group.findLayers()], [len(changed)])

    def test_check_passes_and_fails(self):
        base = os.path.join(self.dir, "base")
        harness.cli("analyze", "-q", "--communes", harness.COMMUNES, "--perimeters", harness.PERIMETERS,
                    "--out", base)
        summary = os.path.join(base, "summary.json")
        same = run("check", {"BASELINE": summary, "CURRENT": summary, "REPORT_DIR": os.path.join(self.dir, "same")})
        self.assertTrue(same["PASSED"])
        self.assertTrue(os.path.isfile(same["CHECK_MD"]))
        fewer = harness.read_json(harness.PERIMETERS)
        fewer["features"] = [f for f in fewer["features"] if f["properties"]["id"] != "CPTS-22-05"]
        perimeters = os.path.join(self.dir, "fewer.geojson")
        with open(perimeters, "w", encoding="utf-8") as f:
            json.dump(fewer, f)
        current = os.path.join(self.dir, "current")
        harness.cli("analyze", "-q", "--communes", harness.COMMUNES, "--perimeters", perimeters, "--out", current)
        dropped = run("check", {"BASELINE": summary, "CURRENT": os.path.join(current, "summary.json"),
                                "MAX_COVERAGE_DROP": 1, "REPORT_DIR": os.path.join(self.dir, "dropped")})
        self.assertFalse(dropped["PASSED"])
        with open(dropped["JUNIT"], encoding="utf-8") as f:
            self.assertIn("<failure", f.read())

    def test_validate_counts_the_findings(self):
        results = run("validate", {"COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS,
                                   "JSON": os.path.join(self.dir, "validate.json")})
        self.assertEqual(results["EXIT_STATUS"], 1)
        self.assertEqual(results["WARNINGS"], 4)
        asleep = harness.read_json(harness.PERIMETERS)
        asleep["features"][1]["properties"]["statut"] = "en sommeil"
        perimeters = os.path.join(self.dir, "asleep.geojson")
        with open(perimeters, "w", encoding="utf-8") as f:
            json.dump(asleep, f)
        with self.assertRaises(QgsProcessingException) as raised:
            run("validate", {"COMMUNES": harness.COMMUNES, "PERIMETERS": perimeters,
                             "JSON": os.path.join(self.dir, "asleep.json")})
        # The findings as validate prints them, the error first.
        message = str(raised.exception)
        self.assertRegex(message, r"^level +kind +finding\nerror ")
        self.assertIn('"en sommeil"', message)
        self.assertIn("1 errors", message)


class Executable(unittest.TestCase):
    def tearDown(self):
        harness.set_executable(harness.CPTS)

    def message(self):
        with self.assertRaises(QgsProcessingException) as raised:
            run("validate", {"COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS,
                             "JSON": os.path.join(harness.scratch(), "v.json")})
        return str(raised.exception)

    def test_the_setting_is_under_the_provider(self):
        from processing.core.ProcessingConfig import ProcessingConfig, Setting

        setting = ProcessingConfig.settings[executable.SETTING]
        self.assertEqual(setting.group, "CPTS coverage")
        self.assertEqual(setting.valuetype, Setting.FILE)
        self.assertEqual(ProcessingConfig.getSetting(executable.SETTING), harness.CPTS)

    def test_a_setting_naming_a_file_since_removed_is_named(self):
        gone = os.path.join(harness.scratch(), "cpts")
        with open(gone, "w"):
            pass
        harness.set_executable(gone)
        os.remove(gone)
        message = self.message()
        self.assertIn(gone, message)
        self.assertIn("Processing › Options › Providers › CPTS coverage", message)

    def test_a_version_too_old_is_refused(self):
        old = os.path.join(harness.scratch(), "cpts")
        with open(old, "w") as f:
            f.write("#!/bin/sh\necho 'cpts 0.0.9'\n")
        os.chmod(old, stat.S_IRWXU)
        harness.set_executable(old)
        message = self.message()
        self.assertIn("cpts 0.0.9", message)
        self.assertIn("0.1.0 or later", message)
        self.assertIn("Processing › Options › Providers › CPTS coverage", message)

    def test_without_setting_cpts_is_found_on_path(self):
        harness.set_executable("")
        path = os.environ["PATH"]
        try:
            os.environ["PATH"] = os.path.dirname(harness.CPTS) + os.pathsep + path
            self.assertEqual(executable.find(), harness.CPTS)
            os.environ["PATH"] = "/nonexistent"
            self.assertIn("not found on PATH", self.message())
        finally:
            os.environ["PATH"] = path


class Parameters(unittest.TestCase):
    def test_every_option_of_each_verb_is_a_parameter(self):
        for verb, offered in options.VERBS.items():
            helped = subprocess.run([harness.CPTS, verb, "--help"], capture_output=True, text=True).stdout
            flags = set(re.findall(r"^\s+(?:-\w, )?(--[a-z0-9-]+)", helped, re.M))
            flags -= {"--help", "--version", "--quiet", "--verbose"}
            offered = {option.flag for option in offered}
            self.assertEqual(flags - offered, set(), f"cpts {verb}: options without a parameter")
            self.assertEqual(offered - flags, set(), f"cpts {verb}: parameters cpts lacks")

    def test_french_when_qgis_speaks_french(self):
        settings = QSettings()
        try:
            settings.setValue("locale/overrideFlag", True)
            settings.setValue("locale/userLocale", "fr_FR")
            algorithm = QgsApplication.processingRegistry().createAlgorithmById("cpts:analyze")
            self.assertEqual(algorithm.displayName(), "Analyse de couverture")
            self.assertEqual(algorithm.parameterDefinition("STATUSES").description(),
                             "Statuts comptés comme couvrants")
        finally:
            settings.setValue("locale/overrideFlag", False)
        algorithm = QgsApplication.processingRegistry().createAlgorithmById("cpts:analyze")
        self.assertEqual(algorithm.displayName(), "Coverage analysis")


if __name__ == "__main__":
    unittest.main(verbosity=2)
