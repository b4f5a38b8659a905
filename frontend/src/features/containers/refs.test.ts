import { describe, expect, it } from "vitest";
import { createdBy, imageLabel, imageParam, manifestTab, nameOrUpdatedSort, platformLabel, pullReference, registryHost, shortDigest, tagSort } from "./refs";

describe("containers refs", () => {
  it("names the repository root _", () => {
    expect(imageParam("")).toBe("_");
    expect(imageParam("team/api")).toBe("team/api");
    expect(imageLabel("_")).toBe("(root)");
    expect(imageLabel("team/api")).toBe("team/api");
  });
  it("builds pull references by tag, by digest, at the root", () => {
    expect(pullReference("reg:5000", "shop", "team/api", { tag: "1.0" })).toBe("reg:5000/shop/team/api:1.0");
    expect(pullReference("reg", "shop", "_", { digest: "sha256:ab" })).toBe("reg/shop@sha256:ab");
    expect(pullReference("reg", "shop", "app", {})).toBe("reg/shop/app");
  });
  it("takes the registry host from the base URL", () => {
    expect(registryHost("https://packages.example.com:8443/", "here:80")).toBe("packages.example.com:8443");
    expect(registryHost("", "here:80")).toBe("here:80");
    expect(registryHost("not a url", "here:80")).toBe("here:80");
  });
  it("shortens digests like docker", () => {
    expect(shortDigest("sha256:0123456789abcdef0123")).toBe("sha256:0123456789ab");
    expect(shortDigest("abc")).toBe("abc");
  });
  it("labels platforms", () => {
    expect(platformLabel({ os: "linux", architecture: "arm", variant: "v7" })).toBe("linux/arm/v7");
    expect(platformLabel({ os: "linux", architecture: "amd64" })).toBe("linux/amd64");
    expect(platformLabel({ os: "", architecture: "" })).toBe("unknown platform");
  });
  it("accepts only the sorts and tabs a view offers", () => {
    expect(tagSort(undefined)).toBe("-pushed");
    expect(tagSort("name")).toBe("name");
    expect(tagSort("updated")).toBe("-pushed");
    expect(nameOrUpdatedSort("-updated")).toBe("-updated");
    expect(nameOrUpdatedSort("-pushed")).toBeUndefined();
    expect(manifestTab("layers")).toBe("layers");
    expect(manifestTab("bogus")).toBe("details");
  });
  it("strips the shell prefix of history lines", () => {
    expect(createdBy("/bin/sh -c #(nop)  CMD [\"/hello\"]")).toBe('CMD ["/hello"]');
    expect(createdBy("/bin/sh -c apk add curl")).toBe("RUN apk add curl");
    expect(createdBy("COPY hello /")).toBe("COPY hello /");
    expect(createdBy(undefined)).toBe("");
  });
});
