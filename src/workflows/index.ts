// Every workflow the portflow worker runs is re-exported here; the worker bundles this file.
export { numberClaim } from './number-claim';
export { orderNumbers } from './order-numbers';
export { portIn } from './port-in';
export { portSubmission } from './port-submission';
export { releaseNumber } from './release-number';
