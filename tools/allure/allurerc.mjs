// Allure Report 3 configuration used by run-tests.sh (paths come from the environment).
import { defineConfig } from "allure";

const output = process.env.ALLURE_OUTPUT ?? "../../reports/allure-report";
const history = process.env.ALLURE_HISTORY ?? "../../reports/history/history.jsonl";
const name = process.env.ALLURE_REPORT_NAME ?? "Production deployment checklist";

export default defineConfig({
  name,
  output,
  historyPath: history,
  historyLimit: 10,
  plugins: {
    awesome: {
      options: {
        reportName: name,
        singleFile: true,
        reportLanguage: "en",
        groupBy: ["epic", "feature", "story"],
      },
    },
    dashboard: {
      options: {
        reportName: `${name}: trends`,
        singleFile: true,
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
});
