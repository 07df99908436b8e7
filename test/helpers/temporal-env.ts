/** Set by global-setup for the test workers: the address of the run's dev server. */
export const TEST_TEMPORAL_ADDRESS_VAR = 'PORTFLOW_TEST_TEMPORAL_ADDRESS';
export const TEST_NAMESPACE = 'default';
