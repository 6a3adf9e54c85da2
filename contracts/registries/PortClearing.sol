// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Number-port clearing between TN service providers: each step belongs to one provider and one state, checked here,
// so neither provider can move a port the other must agree to. See IPortClearing. Numbers live in calldata and the
// request's event; storage keeps a digest per port and one slot per number naming the last port that held it, so a
// number is free again the moment its port leaves the open states, without a write per number.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IPortClearing} from "./IPortClearing.sol";

contract PortClearing is IPortClearing {
    /// @notice Most numbers one port request carries (a list or a range): a bulk port is one request.
    uint256 public constant MAX_NUMBERS_PER_PORT = 1000;
    /// @notice Most ports one batch activation carries.
    uint256 public constant MAX_BATCH = 500;
    /// @notice Bounds of the losing provider's concurrence window.
    uint64 public constant MIN_CONCUR_WINDOW = 1 hours;
    uint64 public constant MAX_CONCUR_WINDOW = 10 days;
    /// @notice How long after its scheduled time a port may still be activated.
    uint64 public constant ACTIVATION_WINDOW = 1 days;
    /// @notice The first integer of 16 digits: an E.164 number is below it.
    uint256 private constant E164_LIMIT = 1e15;

    IConsortiumRegistry private immutable CONSORTIUM;

    mapping(bytes32 portId => Port) private _ports;
    mapping(bytes32 numberKey => bytes32 portId) private _lastPortOf;

    constructor(IConsortiumRegistry consortium_) {
        if (address(consortium_) == address(0)) revert ZeroAddress();
        CONSORTIUM = consortium_;
    }

    /// @inheritdoc IPortClearing
    function request(
        address losing,
        uint64[] calldata numbers,
        uint64 concurWindow,
        bytes32 salt
    ) external returns (bytes32 portId) {
        if (numbers.length == 0 || numbers.length > MAX_NUMBERS_PER_PORT) {
            revert BadNumberCount(numbers.length, MAX_NUMBERS_PER_PORT);
        }
        bytes32 digest = keccak256(abi.encodePacked(numbers));
        Port storage p;
        (portId, p) = _open(losing, digest, numbers.length, concurWindow, salt);
        for (uint256 i = 0; i < numbers.length; i++) {
            _hold(numbers[i], portId);
        }
        emit PortRequested(portId, p.gaining, losing, p.concurBy, numbers);
    }

    /// @inheritdoc IPortClearing
    function requestRange(
        address losing,
        uint64 start,
        uint32 count,
        uint64 step,
        uint64 concurWindow,
        bytes32 salt
    ) external returns (bytes32 portId) {
        if (count == 0 || count > MAX_NUMBERS_PER_PORT) revert RangeTooLarge(count, MAX_NUMBERS_PER_PORT);
        if (step == 0) revert BadRangeStep(step);
        uint256 last = uint256(start) + uint256(count - 1) * step;
        if (last >= E164_LIMIT) revert MalformedNumber(last);
        uint64[] memory numbers = new uint64[](count);
        for (uint256 i = 0; i < count; i++) {
            numbers[i] = uint64(start + i * step);
        }
        Port storage p;
        (portId, p) = _open(losing, keccak256(abi.encodePacked(numbers)), count, concurWindow, salt);
        for (uint256 i = 0; i < count; i++) {
            _hold(numbers[i], portId);
        }
        emit PortRangeRequested(portId, p.gaining, losing, p.concurBy, start, count, step);
    }

    /// @inheritdoc IPortClearing
    function concur(bytes32 portId) external {
        Port storage p = _step(portId, false, PortState.Requested);
        if (block.timestamp > p.concurBy) revert ConcurrenceWindowClosed(portId, p.concurBy);
        p.state = PortState.Concurred;
        emit PortConcurred(portId, p.losing);
    }

    /// @inheritdoc IPortClearing
    function refuse(bytes32 portId, uint16 reason) external {
        Port storage p = _step(portId, false, PortState.Requested);
        p.state = PortState.Refused;
        p.reason = reason;
        emit PortRefused(portId, p.losing, reason);
    }

    /// @inheritdoc IPortClearing
    function schedule(bytes32 portId, uint64 activateAt) external {
        Port storage p = _step(portId, true, PortState.Concurred);
        if (activateAt < block.timestamp) revert NotYetDue(portId, activateAt);
        p.state = PortState.Scheduled;
        p.activateAt = activateAt;
        emit PortScheduled(portId, p.gaining, activateAt);
    }

    /// @inheritdoc IPortClearing
    function activate(bytes32 portId) external {
        Port storage p = _step(portId, true, PortState.Scheduled);
        if (block.timestamp < p.activateAt) revert NotYetDue(portId, p.activateAt);
        if (block.timestamp > p.activateAt + ACTIVATION_WINDOW) revert ActivationWindowClosed(portId, p.activateAt);
        _activate(portId, p);
    }

    /// @inheritdoc IPortClearing
    function activateBatch(bytes32[] calldata portIds) external {
        if (portIds.length == 0 || portIds.length > MAX_BATCH) revert BadBatchSize(portIds.length, MAX_BATCH);
        // The caller's standing is asked of the registry once per gaining provider in a row, not once per port.
        address checked = address(0);
        for (uint256 i = 0; i < portIds.length; i++) {
            bytes32 portId = portIds[i];
            Port storage p = _ports[portId];
            bytes memory refusal;
            if (p.state == PortState.None) {
                refusal = abi.encodeWithSelector(UnknownPort.selector, portId);
            } else if (p.gaining != checked && !_actsFor(p.gaining)) {
                refusal = abi.encodeWithSelector(NotTheProvider.selector, portId, msg.sender, p.gaining);
            } else {
                checked = p.gaining;
                refusal = _activationRefusal(portId, p);
            }
            if (refusal.length != 0) revert BatchItemRefused(i, portId, refusal);
            _activate(portId, p);
        }
    }

    /// @inheritdoc IPortClearing
    function cancel(bytes32 portId) external {
        Port storage p = _known(portId);
        _requireActsFor(portId, p.gaining);
        if (!_isOpen(p.state)) revert InvalidPortState(portId, p.state);
        p.state = PortState.Cancelled;
        emit PortCancelled(portId, p.gaining);
    }

    /// @inheritdoc IPortClearing
    function conflict(bytes32 portId, uint16 reason) external {
        Port storage p = _known(portId);
        _requireActsFor(portId, p.losing);
        if (p.state != PortState.Concurred && p.state != PortState.Scheduled) revert InvalidPortState(portId, p.state);
        p.state = PortState.Conflict;
        p.reason = reason;
        emit PortConflict(portId, p.losing, reason);
    }

    /// @inheritdoc IPortClearing
    function resolveConflict(bytes32 portId) external {
        Port storage p = _step(portId, false, PortState.Conflict);
        p.state = PortState.Concurred;
        p.activateAt = 0;
        emit PortConflictResolved(portId, p.losing);
    }

    /// @inheritdoc IPortClearing
    function portOf(bytes32 portId) external view returns (Port memory) {
        return _known(portId);
    }

    /// @inheritdoc IPortClearing
    function openPortOf(uint64 number) external view returns (bytes32) {
        bytes32 last = _lastPortOf[_keyOf(number)];
        return last != bytes32(0) && _isOpen(_ports[last].state) ? last : bytes32(0);
    }

    /// @inheritdoc IPortClearing
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    // Checks the parties and the window, derives the id and stores the port (Requested) without its numbers.
    function _open(
        address losing,
        bytes32 digest,
        uint256 count,
        uint64 concurWindow,
        bytes32 salt
    ) private returns (bytes32 portId, Port storage p) {
        if (!CONSORTIUM.hasRole(msg.sender, Roles.TNSP)) revert NotAProvider(msg.sender);
        address gaining = CONSORTIUM.memberOf(msg.sender);
        if (!CONSORTIUM.hasRole(losing, Roles.TNSP) || CONSORTIUM.memberOf(losing) != losing) {
            revert NotAProvider(losing);
        }
        if (losing == gaining) revert SameProvider(gaining);
        if (concurWindow < MIN_CONCUR_WINDOW || concurWindow > MAX_CONCUR_WINDOW) {
            revert ConcurrenceWindowOutOfRange(concurWindow, MIN_CONCUR_WINDOW, MAX_CONCUR_WINDOW);
        }
        portId = keccak256(abi.encode(block.chainid, address(this), gaining, losing, digest, salt));
        p = _ports[portId];
        if (p.state != PortState.None) revert PortIdTaken(portId);
        p.gaining = gaining;
        p.losing = losing;
        p.state = PortState.Requested;
        p.requestedAt = uint64(block.timestamp);
        p.concurBy = uint64(block.timestamp) + concurWindow;
        p.count = uint32(count);
        p.numbersDigest = digest;
    }

    // Points the number's slot at `portId`, unless an open port (this one included: a number named twice) holds it.
    function _hold(uint64 number, bytes32 portId) private {
        if (number == 0 || number >= E164_LIMIT) revert MalformedNumber(number);
        bytes32 key = _keyOf(number);
        bytes32 last = _lastPortOf[key];
        if (last != bytes32(0) && (last == portId || _isOpen(_ports[last].state))) {
            revert NumberInOpenPort(number, last);
        }
        _lastPortOf[key] = portId;
    }

    // Why `activate` refuses this (known) port now, ABI-encoded as `activate` raises it; empty when it may be activated.
    function _activationRefusal(bytes32 portId, Port storage p) private view returns (bytes memory) {
        if (p.state != PortState.Scheduled) return abi.encodeWithSelector(InvalidPortState.selector, portId, p.state);
        if (block.timestamp < p.activateAt) return abi.encodeWithSelector(NotYetDue.selector, portId, p.activateAt);
        if (block.timestamp > p.activateAt + ACTIVATION_WINDOW) {
            return abi.encodeWithSelector(ActivationWindowClosed.selector, portId, p.activateAt);
        }
        return "";
    }

    function _activate(bytes32 portId, Port storage p) private {
        p.state = PortState.Activated;
        p.activatedAt = uint64(block.timestamp);
        emit PortActivated(portId, p.gaining, p.losing);
    }

    function _known(bytes32 portId) private view returns (Port storage p) {
        p = _ports[portId];
        if (p.state == PortState.None) revert UnknownPort(portId);
    }

    // The port, when the caller acts for the provider this step belongs to and the port is in `required`.
    function _step(bytes32 portId, bool byGaining, PortState required) private view returns (Port storage p) {
        p = _known(portId);
        _requireActsFor(portId, byGaining ? p.gaining : p.losing);
        if (p.state != required) revert InvalidPortState(portId, p.state);
    }

    function _requireActsFor(bytes32 portId, address provider) private view {
        if (!_actsFor(provider)) revert NotTheProvider(portId, msg.sender, provider);
    }

    function _actsFor(address provider) private view returns (bool) {
        return
            msg.sender == provider ||
            (CONSORTIUM.memberOf(msg.sender) == provider && CONSORTIUM.hasRole(msg.sender, Roles.TNSP));
    }

    function _isOpen(PortState s) private pure returns (bool) {
        return
            s == PortState.Requested || s == PortState.Concurred || s == PortState.Scheduled || s == PortState.Conflict;
    }

    function _keyOf(uint64 number) private pure returns (bytes32) {
        return keccak256(abi.encode(number));
    }
}
