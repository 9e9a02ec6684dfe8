/*
 * Event times in the visitor's own time zone.
 *
 * Pages give a timed event's start and end in the event's own zone ("09:00–11:00 New York time
 * (UTC-4)"). Each such <time data-local-time> carries the start (datetime), the end (data-end),
 * the event's zone (data-zone) and the words for "your time" in the page's language
 * (data-label). When the visitor's zone shows another wall-clock time, a short text follows the
 * element: " · Saturday 11 September, 08:00–10:00 your time (Asia/Jakarta)", with the day
 * whenever it is not the event's own day. Nothing changes when the zones agree, when the browser
 * cannot tell its zone, or without JavaScript.
 */
(() => {
  "use strict";

  let visitorZone;
  try {
    visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!visitorZone || typeof Intl.DateTimeFormat.prototype.formatToParts !== "function") {
    return;
  }

  // Wall-clock formatters by zone, for comparing moments: always the same locale and digits.
  const clocks = new Map();
  function wallClock(moment, zone) {
    if (!clocks.has(zone)) {
      clocks.set(zone, new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23",
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      }));
    }
    const parts = {};
    for (const part of clocks.get(zone).formatToParts(moment)) {
      parts[part.type] = part.value;
    }
    return {day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}`};
  }

  // Formatters for what the visitor reads, in the page's language (the browser's if unknown).
  // The portal's English writes dates the British way, "Saturday 11 September", as its pages do.
  const pageLanguage = document.documentElement.lang;
  const language = pageLanguage === "en" ? "en-GB" : pageLanguage || undefined;
  function formatter(options) {
    try {
      return new Intl.DateTimeFormat(language, Object.assign({timeZone: visitorZone}, options));
    } catch (error) {
      return new Intl.DateTimeFormat(undefined, Object.assign({timeZone: visitorZone}, options));
    }
  }
  const dayFormat = formatter({weekday: "long", day: "numeric", month: "long"});
  const timeFormat = formatter({hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
  const zoneName = visitorZone.replace(/_/g, " ");

  function localText(start, end, zone) {
    const eventStart = wallClock(start, zone);
    const localStart = wallClock(start, visitorZone);
    const eventEnd = end && wallClock(end, zone);
    const localEnd = end && wallClock(end, visitorZone);
    const sameClock = (a, b) => a.day === b.day && a.time === b.time;
    if (sameClock(eventStart, localStart) && (!end || sameClock(eventEnd, localEnd))) {
      return "";
    }
    const startDay = dayFormat.format(start);
    const startTime = timeFormat.format(start);
    if (end && localEnd.day !== localStart.day) {
      return `${startDay}, ${startTime} – ${dayFormat.format(end)}, ${timeFormat.format(end)}`;
    }
    const span = end ? `${startTime}–${timeFormat.format(end)}` : startTime;
    return localStart.day === eventStart.day ? span : `${startDay}, ${span}`;
  }

  for (const element of document.querySelectorAll("time[data-local-time]")) {
    const next = element.nextElementSibling;
    if (next && next.classList.contains("local-time")) {
      continue;
    }
    const start = new Date(element.getAttribute("datetime"));
    const end = element.dataset.end ? new Date(element.dataset.end) : null;
    const zone = element.dataset.zone;
    if (!zone || Number.isNaN(start.getTime()) || (end && Number.isNaN(end.getTime()))) {
      continue;
    }
    let when;
    try {
      when = localText(start, end, zone);
    } catch (error) {
      continue; // a zone this browser does not know
    }
    if (!when) {
      continue;
    }
    const note = document.createElement("span");
    note.className = "local-time";
    // On a right-to-left page, a right-to-left mark before the times: after "(UTC-4)" their
    // digits would otherwise join the Latin letters and read left to right ("13:00–15:00"
    // read from its end).
    const mark = document.documentElement.dir === "rtl" ? "\u200f" : "";
    note.textContent = ` · ${mark}${when} ${element.dataset.label || "your time"} (${zoneName})`;
    element.parentNode.insertBefore(note, element.nextSibling);
  }
})();
