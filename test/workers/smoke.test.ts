import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("SET then GET over HTTP", async () => {
  const auth = { authorization: "Bearer test-token" };
  let res = await SELF.fetch("http://x/", { method: "POST", headers: auth, body: JSON.stringify(["SET", "a", "1"]) });
  expect(await res.json()).toEqual({ result: "OK" });
  res = await SELF.fetch("http://x/get/a", { headers: auth });
  expect(await res.json()).toEqual({ result: "1" });
  res = await SELF.fetch("http://x/pipeline", { method: "POST", headers: auth, body: JSON.stringify([["SET", "b", "2"], ["GET", "b"], ["NOPE"]]) });
  expect(await res.json()).toEqual([{ result: "OK" }, { result: "2" }, { error: "ERR unknown command 'NOPE', with args beginning with: " }]);
});
