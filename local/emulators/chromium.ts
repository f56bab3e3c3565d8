import { access } from 'node:fs/promises';
import { runToEnd } from './childProcesses.js';

/**
 * Debian's Chromium, which the console's end-to-end test drives through playwright-core: this
 * machine cannot download a browser of Playwright's own, but apt reaches Debian's mirrors.
 */
export const CHROMIUM = '/usr/bin/chromium';

const HOW_TO_INSTALL = `as root: apt-get update && apt-get install -y chromium (Debian's package, at ${CHROMIUM})`;

/**
 * Installs Chromium with apt when it is missing (CI runs as root on Debian); nothing to do when
 * `/usr/bin/chromium` is there. Anywhere apt cannot install it, fails saying how to.
 *
 * @example
 * await ensureChromium(); // `npm run chromium:install` runs this
 */
export async function ensureChromium(): Promise<void> {
  if (await chromiumInstalled()) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      `Chromium is not installed at ${CHROMIUM} and installing it needs root: ${HOW_TO_INSTALL}`,
    );
  const messages = {
    missing: `Chromium is not installed at ${CHROMIUM} and apt-get is not here (not Debian?): install Chromium there yourself`,
    failed: `apt-get could not install Chromium; ${HOW_TO_INSTALL}`,
  };
  // No terminal to answer a package's questions: their defaults, as in any unattended install.
  const unattended = { DEBIAN_FRONTEND: 'noninteractive' };
  await runToEnd('apt-get', ['update'], messages, unattended);
  await runToEnd('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], messages, unattended);
  if (!(await chromiumInstalled()))
    throw new Error(`apt-get installed chromium, but not at ${CHROMIUM}: ${HOW_TO_INSTALL}`);
}

async function chromiumInstalled(): Promise<boolean> {
  return access(CHROMIUM).then(
    () => true,
    () => false,
  );
}
