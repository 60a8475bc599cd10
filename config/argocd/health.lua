-- Argo CD health check for the kinds of iaas.cloud-temple.com (all six share it).
-- Reads the operator's kstatus conditions: Ready, Reconciling, Stalled, and observedGeneration.
--   Suspended    the object carries iaas.cloud-temple.com/paused: "true"
--   Progressing  the operator has not yet observed this generation, or work is in flight
--   Degraded     Stalled is True: no progress without a change of spec or outside help
--   Healthy      Ready is True at the current generation
local hs = {}

local function condition(conditions, type)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local annotations = obj.metadata and obj.metadata.annotations
if annotations ~= nil and annotations["iaas.cloud-temple.com/paused"] == "true" then
  hs.status = "Suspended"
  hs.message = "Reconciliation is paused by the annotation iaas.cloud-temple.com/paused"
  return hs
end

local status = obj.status
if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile this object"
  return hs
end

if status.observedGeneration == nil or status.observedGeneration ~= obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
  return hs
end

local stalled = condition(status.conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = (stalled.reason or "Stalled") .. ": " .. (stalled.message or "")
  return hs
end

local ready = condition(status.conditions, "Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Ready"
  return hs
end

local reconciling = condition(status.conditions, "Reconciling")
hs.status = "Progressing"
if reconciling ~= nil and reconciling.status == "True" then
  hs.message = (reconciling.reason or "Reconciling") .. ": " .. (reconciling.message or "")
elseif ready ~= nil then
  hs.message = (ready.reason or "NotReady") .. ": " .. (ready.message or "")
else
  hs.message = "Waiting for the Ready condition"
end
return hs
