/**
 * Every type DUMP and RESTORE know, registered once. A new type is one more module beside these
 * and one more line here (JSON, a module type, reads RDB_TYPE_MODULE_2).
 */
import { registerRdbType } from "../registry";
import { hashType } from "./hash";
import { jsonType } from "./json";
import { listType } from "./list";
import { setType } from "./set";
import { streamType } from "./stream";
import { stringType } from "./string";
import { zsetType } from "./zset";

registerRdbType(stringType);
registerRdbType(hashType);
registerRdbType(listType);
registerRdbType(setType);
registerRdbType(zsetType);
registerRdbType(jsonType);
registerRdbType(streamType);
