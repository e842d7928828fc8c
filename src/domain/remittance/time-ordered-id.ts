import { randomUUID } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter within the millisecond,
 * 62 random bits. Ids made one after another sort one after another, so a batch of claim rows lands
 * on the right-hand pages of every index keyed by claim id instead of on thousands of random pages
 * (each of which, first touched after a checkpoint, costs a full-page image in the WAL).
 */
export function timeOrderedUuid(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    // Same millisecond (or a clock step back): count on; past 4,095, borrow the next millisecond.
    sequence += 1;
    if (sequence > 0xfff) [lastMs, sequence] = [lastMs + 1, 0];
    ms = lastMs;
  } else {
    [lastMs, sequence] = [ms, 0];
  }
  const time = ms.toString(16).padStart(12, '0');
  // randomUUID's last 17 characters: the variant nibble and 60 random bits, already formatted.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
}
