/**
 * Builds the Teams app package (the zip you upload to Teams) for one environment.
 *
 *   npx tsx scripts/build-app-package.ts [env]        (env defaults to "dev")
 *
 * 1. Reads variables from env/.env.<env>, then env/.env.<env>.user (both optional), then
 *    process.env; a later source wins, so CI can override anything with real environment variables.
 * 2. Replaces every ${{NAME}} placeholder (Agents Toolkit convention) in appPackage/manifest.json
 *    and in the localization files it lists. APP_NAME_SUFFIX is optional (defaults to "");
 *    any other missing variable is an error.
 * 3. Validates the result offline against the official JSON schemas shipped in
 *    node_modules/@microsoft/app-manifest (for the manifestVersion the manifest declares).
 * 4. Writes appPackage/build/appPackage.<env>.zip with manifest.json, the localization files and
 *    the two icons at the root of the zip, plus appPackage/build/manifest.<env>.json for inspection.
 *
 * The zip is written with node:zlib (raw deflate) and a minimal zip writer; no extra dependency.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, posix } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deflateRawSync } from "node:zlib";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import dotenv from "dotenv";
import { crc32 } from "./make-icons.js";

export const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const APP_PACKAGE_DIR = join(ROOT_DIR, "appPackage");

/** Variables that may be left unset; they are replaced by the value given here. */
export const OPTIONAL_VARIABLES: Readonly<Record<string, string>> = { APP_NAME_SUFFIX: "" };

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

// ---------------------------------------------------------------------------------------------
// Variables and placeholders
// ---------------------------------------------------------------------------------------------

/** Names of all ${{NAME}} placeholders in a text, each once, in order of appearance. */
export function listPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Replaces ${{NAME}} placeholders; throws one error naming every variable that has no value. */
export function substitutePlaceholders(text: string, variables: Readonly<Record<string, string | undefined>>): string {
  const missing = listPlaceholders(text).filter(
    (name) => variables[name] === undefined && OPTIONAL_VARIABLES[name] === undefined,
  );
  if (missing.length > 0) {
    throw new Error(`no value for ${missing.map((n) => "${{" + n + "}}").join(", ")}`);
  }
  return text.replace(PLACEHOLDER, (_, name: string) => variables[name] ?? OPTIONAL_VARIABLES[name] ?? "");
}

function assertEnvName(envName: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(envName)) throw new Error(`invalid environment name: ${JSON.stringify(envName)}`);
}

/** env/.env.<env>, env/.env.<env>.user, then process-like environment; later sources win. */
export function resolveVariables(
  envName: string,
  rootDir: string = ROOT_DIR,
  processEnv: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  assertEnvName(envName);
  const result: Record<string, string> = {};
  for (const file of [join(rootDir, "env", `.env.${envName}`), join(rootDir, "env", `.env.${envName}.user`)]) {
    if (existsSync(file)) Object.assign(result, dotenv.parse(readFileSync(file)));
  }
  for (const [key, value] of Object.entries(processEnv)) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Schema validation (offline, schemas from node_modules/@microsoft/app-manifest)
// ---------------------------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;
type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: unknown }[] | null };

export function schemaDirectory(manifestVersion: string): string {
  if (!/^\d+\.\d+$/.test(manifestVersion)) throw new Error(`unsupported manifestVersion: ${manifestVersion}`);
  const pkgJson = createRequire(import.meta.url).resolve("@microsoft/app-manifest/package.json");
  const dir = join(dirname(pkgJson), "build", "json-schemas", "teams", `v${manifestVersion}`);
  if (!existsSync(dir)) throw new Error(`no schema shipped for manifestVersion ${manifestVersion} (looked in ${dir})`);
  return dir;
}

const validatorCache = new Map<string, Validator>();

/** Compiles (once) the schema file `fileName` of the given manifest version with ajv (draft-04). */
export function schemaValidator(manifestVersion: string, fileName: string): Validator {
  const path = join(schemaDirectory(manifestVersion), fileName);
  const cached = validatorCache.get(path);
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(path, "utf8")) as JsonObject;
  // Options as in @microsoft/app-manifest's own validator (the Teams schemas mix `type` with
  // `enum: [..., null]`, which strictTypes rejects), plus unicodeRegExp: false because the
  // localization schema's patternProperties (e.g. `\[\b...\b]`) are not valid with the `u` flag.
  const ajv = new Ajv04.default({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  addFormats.default(ajv, ["uri", "email", "regex"]);
  const validate = ajv.compile(schema) as Validator;
  validatorCache.set(path, validate);
  return validate;
}

function run(validate: Validator, data: unknown, label: string): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map(
    (e) => `${label}${e.instancePath || "/"} ${e.message ?? "is invalid"} ${e.params ? JSON.stringify(e.params) : ""}`.trim(),
  );
}

/**
 * Validates a (substituted) manifest and its localization files against the official schemas
 * of the manifestVersion the manifest declares. Returns human-readable errors; [] when valid.
 */
export function validateAgainstOfficialSchemas(
  manifest: JsonObject,
  localizations: Readonly<Record<string, unknown>> = {},
): string[] {
  const version = manifest["manifestVersion"];
  if (typeof version !== "string") return ["manifest.json/manifestVersion must be a string"];
  const errors = run(schemaValidator(version, "MicrosoftTeams.schema.json"), manifest, "manifest.json");
  for (const [file, content] of Object.entries(localizations)) {
    errors.push(...run(schemaValidator(version, "MicrosoftTeams.Localization.schema.json"), content, file));
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Minimal zip writer (stored paths at the zip root, deflate, fixed timestamp => reproducible)
// ---------------------------------------------------------------------------------------------

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01

export function createZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, "utf8");
    const compressed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const utf8Flag = /^[\x20-\x7e]*$/.test(name) ? 0 : 0x0800;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(utf8Flag, 6);
    local.writeUInt16LE(8, 8); // method: deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    locals.push(local, nameBytes, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(utf8Flag, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    // extra length, comment length, disk number, internal attrs, external attrs: all 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);

    offset += local.length + nameBytes.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}

// ---------------------------------------------------------------------------------------------
// The package
// ---------------------------------------------------------------------------------------------

/** Files referenced by the manifest that belong in the zip, relative to appPackage/. */
export function referencedFiles(manifest: JsonObject): { localizations: string[]; icons: string[] } {
  const info = (manifest["localizationInfo"] ?? {}) as {
    defaultLanguageFile?: string;
    additionalLanguages?: { file: string }[];
  };
  const localizations = [
    ...(info.defaultLanguageFile ? [info.defaultLanguageFile] : []),
    ...(info.additionalLanguages ?? []).map((l) => l.file),
  ];
  const iconsObj = (manifest["icons"] ?? {}) as Record<string, string>;
  const icons = Object.values(iconsObj);
  for (const file of [...localizations, ...icons]) {
    const normal = posix.normalize(file);
    if (normal.startsWith("..") || posix.isAbsolute(normal)) throw new Error(`file outside the package: ${file}`);
  }
  return { localizations, icons };
}

export interface BuildOptions {
  envName: string;
  variables: Readonly<Record<string, string | undefined>>;
  appPackageDir?: string;
  outDir?: string;
}

export interface BuildResult {
  zipPath: string;
  entries: ZipEntry[];
}

/** Substitutes, validates and zips the package. Throws with all problems found. */
export function buildAppPackage({
  envName,
  variables,
  appPackageDir = APP_PACKAGE_DIR,
  outDir = join(appPackageDir, "build"),
}: BuildOptions): BuildResult {
  assertEnvName(envName);
  const domain = variables["BOT_DOMAIN"];
  if (domain !== undefined && !/^[A-Za-z0-9.-]+(:\d+)?$/.test(domain)) {
    throw new Error(`BOT_DOMAIN must be a bare host name such as cadans.example.org (got ${JSON.stringify(domain)})`);
  }

  const manifestText = substitutePlaceholders(readFileSync(join(appPackageDir, "manifest.json"), "utf8"), variables);
  const manifest = JSON.parse(manifestText) as JsonObject;
  const { localizations, icons } = referencedFiles(manifest);

  const entries: ZipEntry[] = [{ name: "manifest.json", data: Buffer.from(manifestText, "utf8") }];
  const localizationContent: Record<string, unknown> = {};
  for (const file of localizations) {
    const text = substitutePlaceholders(readFileSync(join(appPackageDir, file), "utf8"), variables);
    localizationContent[file] = JSON.parse(text);
    entries.push({ name: file, data: Buffer.from(text, "utf8") });
  }
  for (const file of icons) entries.push({ name: file, data: readFileSync(join(appPackageDir, file)) });

  const errors = validateAgainstOfficialSchemas(manifest, localizationContent);
  if (errors.length > 0) throw new Error(`the app package is not valid:\n  ${errors.join("\n  ")}`);

  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `appPackage.${envName}.zip`);
  writeFileSync(zipPath, createZip(entries));
  writeFileSync(join(outDir, `manifest.${envName}.json`), manifestText);
  return { zipPath, entries };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const envName = process.argv[2] ?? "dev";
  try {
    const { zipPath, entries } = buildAppPackage({ envName, variables: resolveVariables(envName) });
    console.log(`wrote ${zipPath}\n  ${entries.map((e) => e.name).join("\n  ")}`);
  } catch (error) {
    console.error(`build-app-package (${envName}): ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
