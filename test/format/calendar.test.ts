// Days and dates of the proleptic Gregorian calendar, both ways, for every day of years 0000-9999.
import { expect, test } from "bun:test";
import { civilFromDays, daysFromCivil } from "../../src/format/calendar.ts";

test("civilFromDays undoes daysFromCivil, and both agree with Date.setUTCFullYear, on every day of 0000-9999", () => {
  const mismatches: string[] = [];
  const probe = new Date(0);
  for (let d = daysFromCivil(0, 1, 1); d <= daysFromCivil(9999, 12, 31); d++) {
    const { year, month, day } = civilFromDays(d);
    probe.setUTCFullYear(year, month - 1, day);
    if (daysFromCivil(year, month, day) !== d || Math.round(probe.getTime() / 86_400_000) !== d) mismatches.push(`${d}: ${year}-${month}-${day}`);
    if (mismatches.length > 5) break;
  }
  expect(mismatches).toEqual([]);
  expect(civilFromDays(0)).toEqual({ year: 1970, month: 1, day: 1 });
  expect(civilFromDays(daysFromCivil(0, 2, 29))).toEqual({ year: 0, month: 2, day: 29 });
  expect(daysFromCivil(2000, 3, 1) - daysFromCivil(2000, 2, 28)).toBe(2);
  expect(daysFromCivil(1900, 3, 1) - daysFromCivil(1900, 2, 28)).toBe(1);
});
