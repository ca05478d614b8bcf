export * from "./users";
export * from "./organizations";
export * from "./audit";
export * from "./crm";
export * from "./imports";
export * from "./agents";
