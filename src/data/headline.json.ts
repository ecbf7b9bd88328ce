// headline.json: the analytics engine's headline numbers for the whole of run A (customers first
// seen, line crossings, median time in view, customers in view), as `smw report` prints them.
// The Overview shows these for the whole run and re-cuts events.bin for a narrower window.
import { headline } from "../../loaders/analytics/report.ts";
import { openRunAnalytics } from "./_lib/analytics.ts";
import { emitJson } from "./_lib/run.ts";

const r = await openRunAnalytics("a");
const h = await headline(r.a);
r.close();
await emitJson(h);
