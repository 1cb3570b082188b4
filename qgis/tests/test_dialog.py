"""The algorithms as a planner meets them: Processing's own dialog (headless) builds a
widget for every parameter, and the values it gives, every default included, run cpts as
the command line does."""

import os
import unittest

import harness

APP = harness.start_qgis(gui=True)

import processing  # noqa: E402  (needs the application started)
from processing.gui.AlgorithmDialog import AlgorithmDialog  # noqa: E402
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback  # noqa: E402


def dialog_parameters(algorithm, values):
    """The parameters the dialog of `algorithm` gives once `values` are entered in it."""
    dialog = AlgorithmDialog(QgsApplication.processingRegistry().createAlgorithmById(algorithm))
    context = QgsProcessingContext()
    for name, value in values.items():
        dialog.mainWidget().wrappers[name].setParameterValue(value, context)
    return dialog.createProcessingParameters()


class Dialog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = harness.scratch()
        cls.cli = os.path.join(cls.dir, "cli")
        harness.cli("analyze", "-q", "--communes", harness.COMMUNES, "--perimeters", harness.PERIMETERS,
                    "--out", cls.cli)

    def test_every_parameter_has_its_widget(self):
        provider = QgsApplication.processingRegistry().providerById("cpts")
        for algorithm in provider.algorithms():
            dialog = AlgorithmDialog(algorithm.create())
            self.assertEqual(set(dialog.mainWidget().wrappers),
                             {p.name() for p in algorithm.parameterDefinitions()}, algorithm.id())

    def test_analyze_from_the_dialog_is_the_command_line(self):
        out = os.path.join(self.dir, "analyze")
        parameters = dialog_parameters("cpts:analyze", {
            "COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS, "OUT": out})
        self.assertEqual(parameters["GAP_WIDTH"], 200.0)
        self.assertEqual(parameters["STATUSES"], [0, 1, 2])
        processing.run("cpts:analyze", parameters, feedback=QgsProcessingFeedback())
        self.assertEqual(harness.read_json(os.path.join(out, "summary.json")),
                         harness.read_json(os.path.join(self.cli, "summary.json")))

    def test_check_and_validate_from_the_dialog(self):
        summary = os.path.join(self.cli, "summary.json")
        parameters = dialog_parameters("cpts:check", {
            "BASELINE": summary, "CURRENT": summary, "REPORT_DIR": os.path.join(self.dir, "check")})
        feedback = QgsProcessingFeedback()
        self.assertTrue(processing.run("cpts:check", parameters, feedback=feedback)["PASSED"])
        # Limits left empty are not given: the rules file or cpts's defaults hold.
        self.assertNotIn("--max-coverage-drop", feedback.textLog())
        self.assertIn("--report-dir", feedback.textLog())
        parameters = dialog_parameters("cpts:validate", {
            "COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS,
            "JSON": os.path.join(self.dir, "validate.json")})
        self.assertEqual(processing.run("cpts:validate", parameters)["WARNINGS"], 4)


if __name__ == "__main__":
    unittest.main(verbosity=2)
