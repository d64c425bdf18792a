// Types for global-setup.js, which the apply benchmark also calls to make sure dist/ is current.
export default function globalSetup(): void;
