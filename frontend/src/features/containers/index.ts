// Docker / OCI repository content (images, tags, manifests).
export { DockerBrowser } from "./docker";
