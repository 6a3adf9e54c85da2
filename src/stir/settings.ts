// The STI-AS/VS settings of one agent: the iat freshness window, the x5u origins the STI-VS may fetch from and the
// base of this OSP's x5u URL. Read from `<dataDir>/stir.json` at start, changeable through the admin API; one check
// for both, so a bad file and a bad request are refused by the same rule.

export interface StirSettings {
  /** iat freshness window, seconds (RFC 8224: 60). */
  freshnessSeconds: number;
  /** Origins x5u may point at ("*" = any non-loopback host). */
  x5uAllowedOrigins: string[];
  /** Base of this OSP's x5u URL; default the agent's public URL. */
  x5uBaseUrl: string;
}

export interface StirConfigFile extends Partial<StirSettings> {
  /** PEM bundle of trusted STI-CA roots, relative to the data dir. */
  trustRootsFile?: string;
}

export function defaultSettings(publicUrl: string): StirSettings {
  return { freshnessSeconds: 60, x5uAllowedOrigins: [new URL(publicUrl).origin], x5uBaseUrl: publicUrl };
}

const isHttpUrl = (value: unknown): boolean => {
  try {
    const url = new URL(String(value));
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
};

/** The first rule the settings break, as the setting's name (`x5uAllowedOrigins[2]`) and the problem; or undefined. */
export function settingsProblem(settings: StirSettings): { setting: string; problem: string } | undefined {
  const { freshnessSeconds, x5uAllowedOrigins, x5uBaseUrl } = settings;
  if (!Number.isInteger(freshnessSeconds) || freshnessSeconds < 1 || freshnessSeconds > 3600) {
    return { setting: "freshnessSeconds", problem: "must be an integer from 1 to 3600" };
  }
  if (!Array.isArray(x5uAllowedOrigins)) return { setting: "x5uAllowedOrigins", problem: "must be a list" };
  for (const [i, origin] of x5uAllowedOrigins.entries()) {
    if (origin !== "*" && !isHttpUrl(origin)) {
      return { setting: `x5uAllowedOrigins[${i}]`, problem: "must be an http(s) origin or *" };
    }
  }
  if (!isHttpUrl(x5uBaseUrl)) return { setting: "x5uBaseUrl", problem: "must be an http(s) URL" };
  return undefined;
}

/** The settings a config file sets (trustRootsFile aside). */
export function settingsOfFile(file: StirConfigFile): Partial<StirSettings> {
  return {
    ...(file.freshnessSeconds !== undefined ? { freshnessSeconds: file.freshnessSeconds } : {}),
    ...(file.x5uAllowedOrigins !== undefined ? { x5uAllowedOrigins: file.x5uAllowedOrigins } : {}),
    ...(file.x5uBaseUrl !== undefined ? { x5uBaseUrl: file.x5uBaseUrl } : {}),
  };
}
