/** A random id (client_msg_id, upload ids); a time-and-random fallback where crypto.randomUUID is missing (plain HTTP). */
export const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);
