// Expand calendar feeds with Mozilla's ical.js (the parser of Thunderbird and others).
// Reads a JSON list of jobs on standard input: [{"file": "FEED.ics", "start": UNIX, "end": UNIX}, ...]
// and prints, for each, the Unix time of every occurrence starting in [start, end), sorted:
// [[1767000000, ...], ...]. Each VTIMEZONE of a feed is registered the way a calendar app
// registers it, so the feed's own time zone definitions (no built-in database) place every
// occurrence.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

// AULA_TOOLS: the folder `make tools` installed the pinned clients into.
const tools = resolve(process.env.AULA_TOOLS || ".tools");
const ICAL = (await import(pathToFileURL(join(tools, "node_modules", "ical.js", "dist", "ical.js")))).default;

function expand({ file, start, end }) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  ICAL.TimezoneService.reset();
  for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  }
  const starts = [];
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const iterator = new ICAL.Event(vevent).iterator();
    for (let next = iterator.next(); next; next = iterator.next()) {
      const unix = next.toUnixTime();
      if (unix >= end) break;
      if (unix >= start) starts.push(unix);
    }
  }
  return starts.sort((a, b) => a - b);
}

const jobs = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(jobs.map(expand)) + "\n");
