// Every workflow the portflow worker runs is re-exported here; the worker bundles this file.
export {};
