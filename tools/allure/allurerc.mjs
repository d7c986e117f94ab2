// Allure Report 3 configuration used by generate.mjs (paths come from the environment it sets).
import { readFileSync } from "node:fs";

const output = process.env.ALLURE_OUTPUT ?? "../../reports/allure-report";
const history = process.env.ALLURE_HISTORY ?? "../../reports/history/history.jsonl";
const name = process.env.ALLURE_REPORT_NAME ?? "Production deployment checklist";
const summaryPath = process.env.ALLURE_SIGNOFF_SUMMARY;

// The sign-off of the run, read from the `report` command's summary.json: the report's quality gate. A run signed off
// Partial or Failed fails the gate, naming why; Allure's own pass rate (results, not checklist lines) never stands for it.
const readSignOff = () => {
  try {
    const summary = JSON.parse(readFileSync(summaryPath, "utf8"));
    const banner = summary.banner ?? {};
    const lines = summary.lines ?? {};
    const total = Object.values(lines).reduce((a, n) => a + (Number(n) || 0), 0);
    const counts = Object.entries(lines).filter(([, n]) => n > 0).map(([status, n]) => `${n} ${status}`).join(", ");
    return { status: banner.status ?? summary.sign_off_status ?? "unknown", why: banner.why ?? (total ? `${counts} of ${total} lines` : "") };
  } catch (e) {
    return { status: "unknown", why: `no summary.json (${e.code ?? e.message})` };
  }
};
const signOffRule = {
  rule: "signoff",
  message: ({ expected, actual }) => `sign-off is ${actual}, not ${expected}`,
  successMessage: ({ actual }) => `sign-off is ${actual}`,
  validate: async ({ expected, trs }) => {
    const { status, why } = readSignOff();
    return {
      success: String(status).toLowerCase() === String(expected).toLowerCase(),
      actual: why ? `${status} (${why})` : status,
      testResults: trs.filter((tr) => tr.status !== "passed").map((tr) => tr.id),
    };
  },
};

// Labels a reader uses: the checklist placement (epic/feature/story, the tree) and severity; tags were truncated and
// repeated the line ids the titles now carry.
const hiddenLabels = ["tag", "host", "thread", "framework", "language", "package", "parentSuite", "suite", "subSuite", "checklistReport"];

export default {
  name,
  output,
  historyPath: history,
  historyLimit: 10,
  hideLabels: hiddenLabels,
  qualityGate: summaryPath ? { rules: [{ signoff: "Success" }], use: [signOffRule] } : undefined,
  plugins: {
    awesome: {
      options: {
        reportName: name,
        singleFile: true,
        reportLanguage: "en",
        theme: "light",
        // Checklist order: group titles start with the checklist's numbers (1.2.3) and results with their line ids,
        // so sorting by name is checklist order (Allure's "order" sorts by start time).
        groupBy: ["epic", "feature", "story"],
        defaultSortBy: "name,asc",
        stepTreeExpansion: "expand_failed_only",
        // No "charts" section: its default widgets are pass rates of results; the dashboard has the ones that mean
        // something for nightly runs.
        sections: ["timeline"],
      },
    },
    dashboard: {
      options: {
        reportName: `${name}: trends`,
        singleFile: true,
        theme: "light",
        // Only what means something for nightly runs; not-verified (skipped) is never painted as a failure. No pass-rate
        // ring: it counts results, not checklist lines (the banner has the lines).
        layout: [
          { type: "statusDynamics", title: "Results by status, run over run (a line not verified counts as skipped)", limit: 10 },
          { type: "testResultSeverities", title: "Critical checks not verified, failed or broken (this run)", levels: ["blocker", "critical"], statuses: ["skipped", "failed", "broken"], includeUnset: false },
          { type: "statusTransitions", title: "Checks that changed status since the previous run", limit: 10 },
        ],
      },
    },
  },
  categories: {
    rules: [
      { name: "Deployment defects (checks failed)", matchedStatuses: ["failed"] },
      { name: "Environment problems (target unreachable, timeout, misconfiguration)", matchedStatuses: ["broken"] },
      { name: "Not verified", matchedStatuses: ["skipped"] },
    ],
  },
};
