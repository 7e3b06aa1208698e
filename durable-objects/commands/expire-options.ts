/**
 * EX|PX|EXAT|PXAT (and KEEPTTL / PERSIST where the command allows them) turned into one
 * absolute time in ms, with Redis's checks: the amount must be a positive integer and the
 * time must not overflow, else "invalid expire time in '<cmd>' command".
 */
import type { ArgCursor } from "../args";
import { Errors } from "../errors";
import { CommandError } from "../reply";

export type ExpireUnit = "EX" | "PX" | "EXAT" | "PXAT";
const UNITS: readonly ExpireUnit[] = ["EX", "PX", "EXAT", "PXAT"];
const I64_MAX = 2n ** 63n - 1n;

/** If the next argument is EX/PX/EXAT/PXAT, consumes it and its amount. */
export function eatExpireUnit(p: ArgCursor): ExpireUnit | null {
  const u = p.peekUpper();
  if (u && (UNITS as readonly string[]).includes(u)) {
    p.pos++;
    return u as ExpireUnit;
  }
  return null;
}

/** The absolute expiry (ms) for `amount` in `unit`, relative to `now` for EX and PX. */
export function absoluteExpiry(unit: ExpireUnit, amount: bigint, now: number, cmd: string): number {
  if (amount <= 0n) throw new CommandError(Errors.invalidExpire(cmd));
  let ms = unit === "EX" || unit === "EXAT" ? amount * 1000n : amount;
  if (unit === "EX" && amount > I64_MAX / 1000n) throw new CommandError(Errors.invalidExpire(cmd));
  if (unit === "EXAT" && amount > I64_MAX / 1000n) throw new CommandError(Errors.invalidExpire(cmd));
  if (unit === "EX" || unit === "PX") {
    if (ms > I64_MAX - BigInt(now)) throw new CommandError(Errors.invalidExpire(cmd));
    ms += BigInt(now);
  }
  return Number(ms);
}
