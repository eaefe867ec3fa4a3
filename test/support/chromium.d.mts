// Types for chromium.mjs (plain JavaScript so that web-test-runner's config can import it).
export declare const chromePath: string;
export declare const desktopChromePath: string;
export declare function chromeLaunchOptions(
  extraArgs?: string[],
  executablePath?: string,
): { executablePath: string; headless: 'shell' | true; args: string[] };
