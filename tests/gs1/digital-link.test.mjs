// TradeSeal's label URIs checked by GS1's own Digital Link toolkit (digital-link.js):
// every label of the vector file is a valid GS1 Digital Link, query and all.
// Usage: npm ci && node --test
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import pkg from "digital-link.js";
const { DigitalLink } = pkg;

const vector = JSON.parse(
  readFileSync(new URL("../vectors/label/label-v1.json", import.meta.url), "utf8"),
);

test("every issued label is a valid GS1 Digital Link", () => {
  assert.ok(vector.labels.length >= 3);
  for (const label of vector.labels) {
    const dl = DigitalLink(label.uri);
    assert.equal(dl.isValid(), true, label.uri);
    assert.equal(dl.getIdentifier()["01"], label.gtin);
    assert.equal(dl.getKeyQualifiers()["10"], label.lot);
    assert.equal(dl.getKeyQualifiers()["21"], label.serial);
  }
});

test("the toolkit does check: a wrong GTIN check digit is refused", () => {
  const bad = vector.labels[0].uri.replace(/\/01\/(\d{13})\d/, "/01/$10");
  assert.notEqual(bad, vector.labels[0].uri);
  const dl = DigitalLink(bad);
  assert.equal(dl.isValid(), false, bad);
  // Refused for the check digit, the syntax being fine: the reason, not only the "no".
  assert.equal(dl.isCheckDigitValid(), false, bad);
  assert.equal(DigitalLink(vector.labels[0].uri).isCheckDigitValid(), true);
});

test("the toolkit does check: a URI off the grammar is refused for its syntax", () => {
  // A lot (AI 10) longer than its 20 characters: the check digit is fine.
  const bad = vector.labels[0].uri.replace(/\/10\/[^/]+/, "/10/" + "A".repeat(21));
  assert.notEqual(bad, vector.labels[0].uri);
  const dl = DigitalLink(bad);
  assert.equal(dl.isCheckDigitValid(), true, bad);
  assert.equal(dl.isValid(), false, bad);
});
