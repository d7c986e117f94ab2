// Removes the analytics script tags Allure's templates embed, so the evidence report makes no
// outside request when a release manager opens it. Usage: node strip-analytics.mjs FILE...
import { readFileSync, writeFileSync } from "node:fs";

let failed = false;
for (const file of process.argv.slice(2)) {
  let html = readFileSync(file, "utf8");
  const before = html.length;
  html = html.replace(/<script[^>]*src="https:\/\/www\.googletagmanager\.com[^"]*"[^>]*><\/script>/g, "");
  html = html.replace(/<script>\s*window\.dataLayer[\s\S]*?<\/script>/g, "");
  if (/googletagmanager|gtag\(/.test(html)) {
    console.error(`${file}: analytics tag still present after stripping`);
    failed = true;
  }
  writeFileSync(file, html);
  console.log(`${file}: removed ${before - html.length} bytes of analytics`);
}
process.exit(failed ? 1 : 0);
