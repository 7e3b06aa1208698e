/**
 * Every type DUMP and RESTORE know, registered once. A new type (a module type such as JSON,
 * RDB_TYPE_MODULE_2) is one more module beside these and one more line here.
 */
import { registerRdbType } from "../registry";
import { hashType } from "./hash";
import { listType } from "./list";
import { setType } from "./set";
import { stringType } from "./string";
import { zsetType } from "./zset";

registerRdbType(stringType);
registerRdbType(hashType);
registerRdbType(listType);
registerRdbType(setType);
registerRdbType(zsetType);
