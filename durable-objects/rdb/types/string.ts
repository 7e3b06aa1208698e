/**
 * Strings: RDB_TYPE_STRING (0) and one RDB string, in whichever form rdbSaveRawString picks
 * (an integer, LZF, verbatim: encoding.ts). Redis writes an integer-encoded value the same way,
 * so a string's DUMP here is byte-identical to redis-server's. HyperLogLogs are strings.
 * A chunked string (up to MAX_VALUE_BYTES) is read whole, as its DUMP holds it whole.
 */
import { KeyType } from "../../store/keyspace";
import { getString, setString } from "../../store/strings";
import { RDB_VERSION } from "../encoding";
import { RdbTypes, type RdbType } from "../registry";

export const stringType: RdbType<Uint8Array> = {
  name: "string",
  keyType: KeyType.String,
  reads: [RdbTypes.STRING],
  read({ ks, row, check }) {
    const value = getString(ks, row.key);
    if (value === null) return null;
    check(value.length);
    return value;
  },
  encode(value, w) {
    w.byte(RdbTypes.STRING).string(value);
    return RDB_VERSION;
  },
  decode(_code, r) {
    return r.string();
  },
  store(ks, key, value, expireAt) {
    setString(ks, key, value, { expireAt });
  },
};
