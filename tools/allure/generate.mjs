// Turns a run's allure-results into the HTML evidence report, the one way run-tests.sh, the tests and the bench do it.
//
//   node tools/allure/generate.mjs RESULTS_DIR REPORTS_DIR
//
// Reads REPORTS_DIR/summary.json (the `report` command's: sign-off, target, change) and REPORTS_DIR/banner.html (the
// verdict banner, a static fragment), writes REPORTS_DIR/allure-report/{awesome,dashboard}/index.html (single files that
// open from file://) and appends the run to REPORTS_DIR/history/history.jsonl (the trends).
//
// What it adds to Allure's own generation:
// - the sign-off as a quality gate (rule "signoff" in allurerc.mjs): a run that is not signed off Success says so in the
//   report's Quality Gates tab, naming why and listing the results behind it;
// - Allure's word for the run (summary page, summary.json) follows the sign-off: passed only for Success, failed for
//   Failed, unknown for Partial (Allure says passed whenever no result failed, however many lines were not verified);
// - the banner, the favicon and the viewport tag injected right after <body> of every HTML file (post.mjs), so the
//   verdict shows before any script runs; the analytics tag removed (no outside request).
// Exit 0 when the report was written; 1 with one line saying why not.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import "./node20.mjs";
import { AllureReport, filterFailedQualityGateResults, readConfig } from "@allurereport/core";
import { postProcess } from "./post.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const [resultsArg, reportsArg] = process.argv.slice(2);
if (!resultsArg || !reportsArg) {
  console.error("usage: node tools/allure/generate.mjs RESULTS_DIR REPORTS_DIR");
  process.exit(2);
}
const results = resolve(resultsArg);
const reports = resolve(reportsArg);
if (!existsSync(results)) {
  console.error(`generate: the results folder ${results} does not exist`);
  process.exit(1);
}

const summaryPath = join(reports, "summary.json");
let summary = {};
try {
  summary = JSON.parse(readFileSync(summaryPath, "utf8"));
} catch (e) {
  console.error(`generate: ${summaryPath} cannot be read (${e.code ?? e.message}): the report is written without the sign-off`);
}
const banner = summary.banner ?? {};
const target = banner.target ?? summary.target ?? "unknown target";
const change = banner.change ?? summary.change;
const signOff = String(banner.status ?? summary.sign_off_status ?? "unknown");

const output = join(reports, "allure-report");
rmSync(output, { recursive: true, force: true }); // allure generate never cleans its output
mkdirSync(join(reports, "history"), { recursive: true });
process.env.ALLURE_OUTPUT = output;
process.env.ALLURE_HISTORY = join(reports, "history", "history.jsonl");
process.env.ALLURE_REPORT_NAME = `Production deployment checklist: ${target}${change ? `, change ${change}` : ""}`;
process.env.ALLURE_SIGNOFF_SUMMARY = summaryPath;

const t0 = Date.now();
try {
  const config = await readConfig(here, join(here, "allurerc.mjs"));
  const report = new AllureReport(config);
  await report.start();
  await report.readDirectory(results);
  // The sign-off as a check of the run (summary.json's "checks", for whoever reads it by machine).
  await report.store.addCheckResult({
    id: randomUUID(), name: `Sign-off: ${signOff}`, status: /^success$/i.test(signOff) ? "passed" : "failed",
    details: { message: banner.why ?? `see ${summaryPath}` },
  });
  // `allure generate` never evaluates the quality gate (only `allure run` does): evaluate it here and hand the
  // results to the store, as `allure run` does, so the report's Quality Gates tab shows the sign-off.
  if (report.hasQualityGate) {
    const trs = await report.store.allTestResults({ includeRetries: false });
    const { results: gate } = await report.validate({ trs });
    if (gate.length) report.realtimeDispatcher.sendQualityGateResults(gate);
    for (const failed of filterFailedQualityGateResults(gate)) console.log(`quality gate ${failed.rule}: ${failed.message}`);
  }
  await report.done();
} catch (e) {
  console.error(`generate: Allure could not write the report: ${e.stack ?? e}`);
  process.exit(1);
}
// Allure's own word for the run (its summary page, summary.json) is the worst result status: "passed" when nothing
// failed, however many lines were not verified. It says the sign-off's instead: passed only for Success.
const word = /^success$/i.test(signOff) ? "passed" : /^failed$/i.test(signOff) ? "failed" : "unknown";
for (const file of [join(output, "index.html"), join(output, "awesome", "summary.json"), join(output, "dashboard", "summary.json")]) {
  if (!existsSync(file)) continue;
  const text = readFileSync(file, "utf8");
  writeFileSync(file, file.endsWith(".html")
    ? text.replace(/(window\.reportSummaries = )(\[.*\])/, (_, a, json) => a + JSON.stringify(JSON.parse(json).map((r) => ({ ...r, status: word }))))
    : JSON.stringify({ ...JSON.parse(text), status: word }));
}
const t1 = Date.now();
const files = postProcess(output, join(reports, "banner.html"));
console.log(`report: ${files.length} HTML file(s) in ${output} (allure ${t1 - t0} ms, post-processing ${Date.now() - t1} ms)`);
