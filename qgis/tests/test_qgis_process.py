"""`qgis_process run cpts:analyze` on the fixtures gives what the command line gives."""

import filecmp
import json
import os
import subprocess
import unittest

import harness


class QgisProcess(unittest.TestCase):
    def setUp(self):
        self.dir = harness.scratch()
        self.env = harness.environment(os.path.join(self.dir, "home"))
        self.runner = harness.qgis_process()
        enabled = self.qgis("plugins", "enable", "cpts_coverage")
        self.assertEqual(enabled.returncode, 0, enabled.stderr)

    def qgis(self, *args):
        return subprocess.run([self.runner, *args], capture_output=True, text=True, env=self.env)

    def test_the_provider_lists_its_five_algorithms(self):
        listed = self.qgis("list")
        ids = sorted(line.split()[0] for line in listed.stdout.splitlines() if line.strip().startswith("cpts:"))
        self.assertEqual(ids, ["cpts:analyze", "cpts:check", "cpts:diff", "cpts:plan", "cpts:validate"])

    def test_analyze_gives_the_summary_of_the_command_line(self):
        by_cli = os.path.join(self.dir, "cli")
        harness.cli("analyze", "-q", "--communes", harness.COMMUNES, "--perimeters", harness.PERIMETERS,
                    "--out", by_cli)
        by_qgis = os.path.join(self.dir, "qgis")
        run = self.qgis("--json", "run", "cpts:analyze", "--",
                        f"COMMUNES={harness.COMMUNES}", f"PERIMETERS={harness.PERIMETERS}", f"OUT={by_qgis}")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        summary = harness.read_json(os.path.join(by_cli, "summary.json"))
        # summary.json names its files without their folders and holds no time of the run
        # (sources[].modified is the day each input was last changed): the same inputs
        # give the same summary, whole; and every other output, byte for byte.
        self.assertEqual(harness.read_json(os.path.join(by_qgis, "summary.json")), summary)
        self.assertEqual(sorted(os.listdir(by_qgis)), sorted(os.listdir(by_cli)))
        for name in os.listdir(by_cli):
            self.assertTrue(filecmp.cmp(os.path.join(by_cli, name), os.path.join(by_qgis, name), shallow=False), name)
        self.assertEqual(summary["total_population"], 598814)
        # The figures are the algorithm's outputs.
        results = json.loads(run.stdout)["results"]
        self.assertEqual(results["TOTAL_POPULATION"], summary["total_population"])
        self.assertEqual(results["COVERED_POPULATION"], summary["covered_population"])
        self.assertEqual(results["COVERAGE_RATE"], summary["coverage_rate"])
        self.assertEqual(results["WHITE_ZONE_COUNT"], summary["white_zone_count"])
        self.assertEqual(results["WHITE_ZONE_POPULATION"], summary["white_zone_population"])
        self.assertEqual(results["OVERLAP_COUNT"], summary["overlap_count"])
        self.assertEqual(results["SUMMARY"], os.path.join(by_qgis, "summary.json"))
        self.assertEqual(results["CPTS"], os.path.join(by_qgis, "cpts.geojson"))

    def test_an_error_of_cpts_is_the_algorithms_error(self):
        run = self.qgis("run", "cpts:analyze", "--", f"COMMUNES={harness.COMMUNES}",
                        f"PERIMETERS={harness.PERIMETERS}", f"OUT={os.path.join(self.dir, 'out')}",
                        "TARIFF=/nonexistent/tariff.csv")
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("/nonexistent/tariff.csv", run.stdout + run.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
