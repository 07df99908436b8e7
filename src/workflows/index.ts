// Every workflow the portflow worker runs is re-exported here; the worker bundles this file.
export { numberHold } from './number-hold';
export { orderNumbers } from './order-numbers';
export { portIn } from './port-in';
export { releaseNumber } from './release-number';
export { webhookRedelivery } from './webhook-redelivery';
