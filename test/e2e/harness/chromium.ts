import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { isLocal } from './target';

/** Debian's Chromium (the browser tests never download one). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/** A browser suite runs where Chromium is installed and the local cloud serves the web client. */
export const browserSuite = haveChromium && isLocal() ? describe : describe.skip;

/**
 * Headless Chromium as this machine runs it: as root (no sandbox), no GPU, and none of Chromium's
 * own background traffic, which the closed network refuses (many connections at a time).
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
