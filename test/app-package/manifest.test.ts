/**
 * The Teams app package in appPackage/: manifest, Dutch localization, icons and the zip builder.
 * Everything runs offline: the official schemas are read from node_modules/@microsoft/app-manifest.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync, inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildAppPackage,
  listPlaceholders,
  resolveVariables,
  schemaDirectory,
  schemaValidator,
  substitutePlaceholders,
  validateAgainstOfficialSchemas,
} from "../../scripts/build-app-package.js";
import { crc32, encodePng, renderColorIcon, renderOutlineIcon } from "../../scripts/make-icons.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const APP_PACKAGE = join(ROOT, "appPackage");

const SAMPLE = {
  TEAMS_APP_ID: "3f2c9a41-7b1e-4d2a-9c55-0e8b6f1d2a77",
  BOT_ID: "b7e4d0c2-5a93-4f61-8e2d-41c7a9b3f0e5",
  BOT_DOMAIN: "cadans-test.example.org",
} as const;

const EN_COMMANDS = ["help", "checklist", "survey", "meetings", "results", "roles"];
const NL_COMMANDS = ["hulp", "checklist", "peiling", "overleg", "resultaten", "rollen"];
const BOT_SCOPES = ["personal", "team", "groupChat"];

type Json = Record<string, unknown>;

interface Command {
  title: string;
  description?: string;
}
interface CommandList {
  scopes: string[];
  commands: Command[];
}
interface Bot {
  botId: string;
  scopes: string[];
  supportsFiles?: boolean;
  isNotificationOnly?: boolean;
  commandLists: CommandList[];
}
interface Manifest extends Json {
  $schema: string;
  manifestVersion: string;
  id: string;
  name: { short: string; full?: string };
  description: { short: string; full: string };
  icons: { color: string; outline: string };
  accentColor: string;
  localizationInfo: { defaultLanguageTag: string; additionalLanguages?: { languageTag: string; file: string }[] };
  bots: Bot[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
}

const rawManifestText = readFileSync(join(APP_PACKAGE, "manifest.json"), "utf8");

function loadManifest(variables: Record<string, string> = SAMPLE): Manifest {
  return JSON.parse(substitutePlaceholders(rawManifestText, variables)) as Manifest;
}

function localizationFile(manifest: Manifest, tag: string): string {
  const entry = manifest.localizationInfo.additionalLanguages?.find((l) => l.languageTag.toLowerCase() === tag);
  if (!entry) throw new Error(`no localization registered for ${tag}`);
  return entry.file;
}

function loadLocalization(file: string, variables: Record<string, string> = SAMPLE): Json {
  return JSON.parse(substitutePlaceholders(readFileSync(join(APP_PACKAGE, file), "utf8"), variables)) as Json;
}

function versionNumber(v: string): [number, number] {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new Error(`not a numeric manifest version: ${v}`);
  return [Number(m[1]), Number(m[2])];
}

/** Resolves a localization key such as `bots[0].commandLists[1].commands[2].title` in the manifest. */
function resolveKey(manifest: unknown, key: string): unknown {
  let node: unknown = manifest;
  for (const segment of key.split(".")) {
    const m = /^([A-Za-z_$][A-Za-z0-9_$]*)((?:\[\d+\])*)$/.exec(segment);
    if (!m) return undefined;
    node = (node as Json | undefined)?.[m[1]!];
    for (const index of m[2]!.matchAll(/\[(\d+)\]/g)) {
      node = Array.isArray(node) ? node[Number(index[1])] : undefined;
    }
  }
  return node;
}

/** Every string leaf of a JSON value, as localization-style keys (`a.b[0].c`). */
function stringLeaves(value: unknown, prefix = ""): string[] {
  if (typeof value === "string") return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${prefix}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, prefix ? `${prefix}.${k}` : k));
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// A tiny PNG decoder for 8-bit, non-interlaced RGB / RGBA images
// ---------------------------------------------------------------------------------------------

interface Image {
  width: number;
  height: number;
  channels: 3 | 4;
  pixels: Uint8Array;
}

function decodePng(png: Buffer): Image {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => png[i] === b)) throw new Error("not a PNG file");
  let offset = 8;
  let header: { width: number; height: number; channels: 3 | 4 } | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < png.length && !ended) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("ascii", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    if (crc !== crc32(png.subarray(offset + 4, offset + 8 + length))) throw new Error(`bad CRC in ${type} chunk`);
    if (type === "IHDR") {
      const [bitDepth, colourType, , , interlace] = data.subarray(8, 13);
      if (bitDepth !== 8 || interlace !== 0 || (colourType !== 2 && colourType !== 6)) {
        throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`);
      }
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), channels: colourType === 6 ? 4 : 3 };
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      ended = true;
    }
    offset += 12 + length;
  }
  if (!header || !ended) throw new Error("PNG without IHDR or IEND");
  const { width, height, channels } = header;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error("PNG image data has the wrong length");
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const left = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const upLeft = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = left; break;
        case 2: predictor = up; break;
        case 3: predictor = Math.floor((left + up) / 2); break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
          predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
          break;
        }
        default: throw new Error(`unknown PNG filter type ${filter}`);
      }
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

function pixel(img: Image, x: number, y: number): number[] {
  const i = (y * img.width + x) * img.channels;
  return Array.from(img.pixels.subarray(i, i + img.channels));
}

/** Pixels of an outline icon that are neither fully transparent nor pure white. */
function nonWhitePixels(img: Image): { x: number; y: number; rgba: number[] }[] {
  const bad: { x: number; y: number; rgba: number[] }[] = [];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const [r, g, b, a = 255] = pixel(img, x, y);
      if (a !== 0 && (r !== 255 || g !== 255 || b !== 255)) bad.push({ x, y, rgba: [r!, g!, b!, a] });
    }
  }
  return bad;
}

function hexToRgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

// ---------------------------------------------------------------------------------------------
// A tiny zip reader (deflate / stored), used to inspect the built package
// ---------------------------------------------------------------------------------------------

function readZip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("no end of central directory record");
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error("bad central directory entry");
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const stored = zip.subarray(dataStart, dataStart + compressedSize);
    const data = method === 8 ? inflateRawSync(stored) : method === 0 ? Buffer.from(stored) : undefined;
    if (!data) throw new Error(`unsupported compression method ${method} for ${name}`);
    if (crc32(data) !== crc) throw new Error(`CRC mismatch for ${name}`);
    files.set(name, data);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

// ---------------------------------------------------------------------------------------------

beforeAll(() => {
  // Compiling the ~125 kB manifest schema takes a moment; do it once, outside the test timeouts.
  const version = loadManifest().manifestVersion;
  schemaValidator(version, "MicrosoftTeams.schema.json");
  schemaValidator(version, "MicrosoftTeams.Localization.schema.json");
}, 60_000);

describe("Teams app manifest (appPackage/manifest.json)", () => {
  it("declares manifest version 1.24 or later, for which @microsoft/app-manifest ships a schema", () => {
    const { manifestVersion } = loadManifest();
    const [major, minor] = versionNumber(manifestVersion);
    expect(major).toBe(1);
    expect(minor).toBeGreaterThanOrEqual(24);
    expect(minor).toBeLessThanOrEqual(30);
    expect(existsSync(join(schemaDirectory(manifestVersion), "MicrosoftTeams.schema.json"))).toBe(true);
  });

  it("points $schema at the official schema URL of the version it declares", () => {
    const manifest = loadManifest();
    expect(manifest.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
    );
  });

  it("validates against the official schema without errors once the placeholders are filled in", () => {
    expect(validateAgainstOfficialSchemas(loadManifest())).toEqual([]);
    expect(validateAgainstOfficialSchemas(loadManifest({ ...SAMPLE, APP_NAME_SUFFIX: "-dev" }))).toEqual([]);
  });

  it("reports schema errors for a manifest that breaks the schema", () => {
    const withoutDeveloper = loadManifest();
    delete withoutDeveloper["developer"];
    expect(validateAgainstOfficialSchemas(withoutDeveloper).join("\n")).toMatch(/developer/);

    const unsubstituted = JSON.parse(rawManifestText) as Manifest;
    expect(validateAgainstOfficialSchemas(unsubstituted).join("\n")).toMatch(/\/id .*pattern/);

    const fourCommandLists = loadManifest();
    fourCommandLists.bots[0]!.commandLists.push(fourCommandLists.bots[0]!.commandLists[0]!);
    expect(validateAgainstOfficialSchemas(fourCommandLists).join("\n")).toMatch(/commandLists/);

    const wrongVersion = loadManifest();
    wrongVersion.manifestVersion = "1.24";
    wrongVersion["agentSkills"] = [];
    expect(validateAgainstOfficialSchemas(wrongVersion)).not.toEqual([]);
  });

  it("uses only the Agents Toolkit placeholders TEAMS_APP_ID, BOT_ID, BOT_DOMAIN and APP_NAME_SUFFIX", () => {
    expect(new Set(listPlaceholders(rawManifestText))).toEqual(
      new Set(["TEAMS_APP_ID", "BOT_ID", "BOT_DOMAIN", "APP_NAME_SUFFIX"]),
    );
    const raw = JSON.parse(rawManifestText) as Manifest;
    expect(raw.id).toBe("${{TEAMS_APP_ID}}");
    expect(raw.name.short).toBe("Cadans${{APP_NAME_SUFFIX}}");
  });

  it("wires BOT_ID into the bot and webApplicationInfo, and BOT_DOMAIN into validDomains and the SSO resource", () => {
    const manifest = loadManifest();
    expect(manifest.id).toBe(SAMPLE.TEAMS_APP_ID);
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0]!.botId).toBe(SAMPLE.BOT_ID);
    expect(manifest.webApplicationInfo.id).toBe(SAMPLE.BOT_ID);
    // Documented format for a bot whose SSO app also serves a domain: api://<domain>/botid-<app id>
    expect(manifest.webApplicationInfo.resource).toBe(`api://${SAMPLE.BOT_DOMAIN}/botid-${SAMPLE.BOT_ID}`);
    expect(manifest.validDomains).toContain(SAMPLE.BOT_DOMAIN);
    // needed for the Bot Framework OAuth sign-in flow (OAuthPrompt / sign-in cards) in Teams
    expect(manifest.validDomains).toContain("token.botframework.com");
  });

  it("names the developer Cadans and uses https placeholder URLs on cadans.example", () => {
    const developer = loadManifest()["developer"] as Record<string, string>;
    expect(developer["name"]).toBe("Cadans");
    for (const key of ["websiteUrl", "privacyUrl", "termsOfUseUrl"]) {
      expect(developer[key]).toMatch(/^https:\/\/cadans\.example\//);
    }
  });

  it("keeps names and descriptions within the store limits and distinct from each other", () => {
    const { name, description } = loadManifest({ ...SAMPLE, APP_NAME_SUFFIX: "-local" });
    expect(name.short).toBe("Cadans-local");
    expect(name.short.length).toBeLessThanOrEqual(30);
    expect(name.full!.length).toBeLessThanOrEqual(100);
    expect(name.full).not.toBe(name.short);
    expect(description.short.length).toBeLessThanOrEqual(80);
    expect(description.full.length).toBeLessThanOrEqual(4000);
    expect(description.full).not.toContain(description.short);
  });

  it("offers a conversational bot in personal, team and group chat scopes that accepts file uploads", () => {
    const bot = loadManifest().bots[0]!;
    expect(new Set(bot.scopes)).toEqual(new Set(BOT_SCOPES));
    expect(bot.supportsFiles).toBe(true);
    expect(bot.isNotificationOnly).toBe(false);
  });

  it("has one command list per bot scope", () => {
    const { commandLists } = loadManifest().bots[0]!;
    expect(commandLists.flatMap((l) => l.scopes).sort()).toEqual([...BOT_SCOPES].sort());
    for (const list of commandLists) expect(list.scopes).toHaveLength(1);
  });

  it("lists exactly help, checklist, survey, meetings, results and roles in every scope, and privacy in the personal one only", () => {
    for (const list of loadManifest().bots[0]!.commandLists) {
      const expected = list.scopes.includes("personal") ? [...EN_COMMANDS, "privacy"] : [...EN_COMMANDS];
      expect(list.commands.map((c) => c.title).sort()).toEqual(expected.sort());
    }
  });

  it("keeps every command within the Teams limits of 10 commands, 32-character titles and 128-character descriptions", () => {
    for (const list of loadManifest().bots[0]!.commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const command of list.commands) {
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description?.length ?? 0).toBeGreaterThan(0);
        expect(command.description!.length).toBeLessThanOrEqual(128);
        expect(command.description).not.toContain("\n");
      }
    }
  });

  it("asks for no permissions or device permissions", () => {
    const manifest = loadManifest();
    expect(manifest["permissions"]).toBeUndefined();
    expect(manifest["devicePermissions"]).toBeUndefined();
  });
});

describe("Dutch localization", () => {
  it("has English as the default language and Dutch (all regions) as an additional language", () => {
    const manifest = loadManifest();
    expect(manifest.localizationInfo.defaultLanguageTag.toLowerCase()).toMatch(/^en(-us)?$/);
    const file = localizationFile(manifest, "nl");
    expect(existsSync(join(APP_PACKAGE, file))).toBe(true);
  });

  it("validates against the official localization schema of the same manifest version", () => {
    const manifest = loadManifest();
    const file = localizationFile(manifest, "nl");
    const localization = loadLocalization(file);
    expect(localization["$schema"]).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.Localization.schema.json`,
    );
    expect(validateAgainstOfficialSchemas(manifest, { [file]: localization })).toEqual([]);
  });

  it("reports schema errors for a localization file with an unknown key or an empty name", () => {
    const manifest = loadManifest();
    const file = localizationFile(manifest, "nl");
    const unknownKey = { ...loadLocalization(file), "bots[0].botId": "x" };
    expect(validateAgainstOfficialSchemas(manifest, { [file]: unknownKey }).join("\n")).toMatch(/additional/);
    const emptyName = { ...loadLocalization(file), "name.short": " " };
    expect(validateAgainstOfficialSchemas(manifest, { [file]: emptyName })).not.toEqual([]);
  });

  it("lists exactly hulp, checklist, peiling, overleg, resultaten and rollen in every scope, and privacy in the personal one only", () => {
    const manifest = loadManifest();
    const localization = loadLocalization(localizationFile(manifest, "nl"));
    manifest.bots[0]!.commandLists.forEach((list, i) => {
      const titles = list.commands.map((_, j) => localization[`bots[0].commandLists[${i}].commands[${j}].title`]);
      const expected = list.scopes.includes("personal") ? [...NL_COMMANDS, "privacy"] : [...NL_COMMANDS];
      expect(titles.sort()).toEqual(expected.sort());
    });
  });

  it("keeps the Dutch commands within the Teams limits for titles and descriptions", () => {
    const localization = loadLocalization(localizationFile(loadManifest(), "nl"));
    for (const [key, value] of Object.entries(localization)) {
      if (/\.commands\[\d+\]\.title$/.test(key)) expect((value as string).length).toBeLessThanOrEqual(32);
      if (/\.commands\[\d+\]\.description$/.test(key)) expect((value as string).length).toBeLessThanOrEqual(128);
    }
  });

  it("only has keys that point at existing string fields of the manifest", () => {
    const manifest = loadManifest();
    const localization = loadLocalization(localizationFile(manifest, "nl"));
    const keys = Object.keys(localization).filter((k) => k !== "$schema" && k !== "localizationKeys");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(typeof resolveKey(manifest, key), `manifest field for "${key}"`).toBe("string");
    }
    expect(resolveKey(manifest, "bots[0].commandLists[9].commands[0].title")).toBeUndefined();
  });

  it("translates every localizable string of the manifest, and nothing is left in English", () => {
    const manifest = loadManifest();
    const file = localizationFile(manifest, "nl");
    const localization = loadLocalization(file);
    const schema = JSON.parse(
      readFileSync(join(schemaDirectory(manifest.manifestVersion), "MicrosoftTeams.Localization.schema.json"), "utf8"),
    ) as { properties: Json; patternProperties: Json };
    const patterns = Object.keys(schema.patternProperties).map((p) => new RegExp(p));
    const localizable = stringLeaves(manifest)
      .filter((key) => key !== "$schema")
      .filter((key) => key in schema.properties || patterns.some((re) => re.test(key)));
    expect(localizable).toContain("bots[0].commandLists[2].commands[5].description");
    const translated = Object.keys(localization).filter((k) => k !== "$schema" && k !== "localizationKeys");
    expect(new Set(translated)).toEqual(new Set(localizable));
    for (const key of ["name.full", "description.short", "description.full"]) {
      expect(localization[key]).not.toBe(resolveKey(manifest, key));
    }
  });
});

describe("app icons", () => {
  it("has a 192×192 opaque color icon with the accent colour as full-bleed background", () => {
    const manifest = loadManifest();
    const img = decodePng(readFileSync(join(APP_PACKAGE, manifest.icons.color)));
    expect([img.width, img.height]).toEqual([192, 192]);
    if (img.channels === 4) {
      for (let i = 3; i < img.pixels.length; i += 4) expect(img.pixels[i]).toBe(255);
    }
    const accent = hexToRgb(manifest.accentColor);
    for (const [x, y] of [[0, 0], [191, 0], [0, 191], [191, 191]] as const) {
      expect(pixel(img, x, y).slice(0, 3)).toEqual(accent);
    }
  });

  it("keeps the color icon's mark inside the central 120×120 safe area", () => {
    const manifest = loadManifest();
    const img = decodePng(readFileSync(join(APP_PACKAGE, manifest.icons.color)));
    const accent = hexToRgb(manifest.accentColor);
    let markPixels = 0;
    const outside: string[] = [];
    for (let y = 0; y < 192; y++) {
      for (let x = 0; x < 192; x++) {
        const rgb = pixel(img, x, y).slice(0, 3);
        const inSafeArea = x >= 36 && x < 156 && y >= 36 && y < 156;
        if (!inSafeArea && rgb.some((c, i) => c !== accent[i])) outside.push(`${x},${y}`);
        if (inSafeArea && rgb.every((c) => c === 255)) markPixels++;
      }
    }
    expect(outside).toEqual([]);
    expect(markPixels).toBeGreaterThan(1000);
  });

  it("has a 32×32 outline icon whose pixels are all either fully transparent or pure white", () => {
    const img = decodePng(readFileSync(join(APP_PACKAGE, loadManifest().icons.outline)));
    expect([img.width, img.height]).toEqual([32, 32]);
    expect(img.channels).toBe(4);
    expect(nonWhitePixels(img)).toEqual([]);
    const alphas = Array.from({ length: 32 * 32 }, (_, i) => img.pixels[i * 4 + 3]!);
    expect(alphas.filter((a) => a === 0).length).toBeGreaterThan(200); // transparent background
    expect(alphas.filter((a) => a === 255).length).toBeGreaterThan(100); // a visible mark
  });

  it("would flag an outline icon with a coloured pixel", () => {
    const pixels = new Uint8Array(32 * 32 * 4).fill(255);
    pixels.set([200, 30, 30, 255], (5 * 32 + 7) * 4);
    const bad = nonWhitePixels(decodePng(encodePng(32, 32, 4, pixels)));
    expect(bad).toEqual([{ x: 7, y: 5, rgba: [200, 30, 30, 255] }]);
  });

  it("rejects a PNG whose chunk checksum is corrupt", () => {
    const png = Buffer.from(renderOutlineIcon());
    png[40] = png[40]! ^ 0xff; // inside the IDAT data
    expect(() => decodePng(png)).toThrow(/CRC/);
  });

  it("matches what scripts/make-icons.ts generates, so the committed PNGs are reproducible", () => {
    const manifest = loadManifest();
    const committedColor = decodePng(readFileSync(join(APP_PACKAGE, manifest.icons.color)));
    const committedOutline = decodePng(readFileSync(join(APP_PACKAGE, manifest.icons.outline)));
    expect(Buffer.from(decodePng(renderColorIcon()).pixels).equals(Buffer.from(committedColor.pixels))).toBe(true);
    expect(Buffer.from(decodePng(renderOutlineIcon()).pixels).equals(Buffer.from(committedOutline.pixels))).toBe(true);
  });
});

describe("scripts/build-app-package.ts", () => {
  let workDir: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "cadans-app-package-"));
  });

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it("zips manifest.json, the Dutch localization and both icons at the root with all placeholders filled in", () => {
    const outDir = join(workDir, "out");
    const { zipPath } = buildAppPackage({ envName: "test", variables: { ...SAMPLE, APP_NAME_SUFFIX: "-test" }, outDir });
    expect(zipPath).toBe(join(outDir, "appPackage.test.zip"));

    const files = readZip(readFileSync(zipPath));
    const manifest = loadManifest();
    const nlFile = localizationFile(manifest, "nl");
    expect(new Set(files.keys())).toEqual(new Set(["manifest.json", nlFile, manifest.icons.color, manifest.icons.outline]));

    const zippedManifest = JSON.parse(files.get("manifest.json")!.toString("utf8")) as Manifest;
    expect(zippedManifest.id).toBe(SAMPLE.TEAMS_APP_ID);
    expect(zippedManifest.bots[0]!.botId).toBe(SAMPLE.BOT_ID);
    expect(zippedManifest.validDomains).toContain(SAMPLE.BOT_DOMAIN);
    expect(zippedManifest.name.short).toBe("Cadans-test");
    for (const name of ["manifest.json", nlFile]) {
      expect(files.get(name)!.toString("utf8")).not.toContain("${{");
    }
    expect(JSON.parse(files.get(nlFile)!.toString("utf8"))["name.short"]).toBe("Cadans-test");
    for (const icon of [manifest.icons.color, manifest.icons.outline]) {
      expect(files.get(icon)!.equals(readFileSync(join(APP_PACKAGE, icon)))).toBe(true);
    }
  });

  it("refuses to build when a required variable is missing and names it", () => {
    const { BOT_ID: _omitted, ...withoutBotId } = SAMPLE;
    expect(() => buildAppPackage({ envName: "test", variables: withoutBotId, outDir: join(workDir, "missing") })).toThrow(
      /\$\{\{BOT_ID\}\}/,
    );
    expect(existsSync(join(workDir, "missing", "appPackage.test.zip"))).toBe(false);
  });

  it("refuses to build when an id is not a GUID", () => {
    expect(() =>
      buildAppPackage({ envName: "test", variables: { ...SAMPLE, BOT_ID: "not-a-guid" }, outDir: join(workDir, "bad") }),
    ).toThrow(/not valid[\s\S]*botId/);
  });

  it("refuses a BOT_DOMAIN that includes a scheme or a path", () => {
    for (const BOT_DOMAIN of ["https://cadans.example.org", "cadans.example.org/api"]) {
      expect(() =>
        buildAppPackage({ envName: "test", variables: { ...SAMPLE, BOT_DOMAIN }, outDir: join(workDir, "bad") }),
      ).toThrow(/BOT_DOMAIN/);
    }
  });

  it("reads env/.env.<name> and .env.<name>.user, with process environment variables taking precedence", () => {
    const root = join(workDir, "project");
    mkdirSync(join(root, "env"), { recursive: true });
    writeFileSync(
      join(root, "env", ".env.staging"),
      `# comment\nTEAMS_APP_ID=${SAMPLE.TEAMS_APP_ID}\nBOT_ID=${SAMPLE.BOT_ID}\nBOT_DOMAIN=from-file.example.org\n`,
    );
    writeFileSync(join(root, "env", ".env.staging.user"), "APP_NAME_SUFFIX=-staging\n");
    const variables = resolveVariables("staging", root, { BOT_DOMAIN: "from-env.example.org" });
    expect(variables).toMatchObject({
      TEAMS_APP_ID: SAMPLE.TEAMS_APP_ID,
      BOT_ID: SAMPLE.BOT_ID,
      BOT_DOMAIN: "from-env.example.org",
      APP_NAME_SUFFIX: "-staging",
    });
    expect(resolveVariables("nothing-here", root, { BOT_ID: SAMPLE.BOT_ID })).toEqual({ BOT_ID: SAMPLE.BOT_ID });
    expect(() => resolveVariables("../etc", root, {})).toThrow(/invalid environment name/);
  });
});
