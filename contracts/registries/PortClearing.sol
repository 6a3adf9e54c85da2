// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Number-port clearing between TN service providers: each step belongs to one provider and one state, checked here,
// so neither provider can move a port the other must agree to. See IPortClearing.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IPortClearing} from "./IPortClearing.sol";

contract PortClearing is IPortClearing {
    /// @notice Most numbers (or prefixes) one port request carries: a bulk port is one request.
    uint256 public constant MAX_NUMBERS_PER_PORT = 1000;
    /// @notice Bounds of the losing provider's concurrence window.
    uint64 public constant MIN_CONCUR_WINDOW = 1 hours;
    uint64 public constant MAX_CONCUR_WINDOW = 10 days;
    /// @notice How long after its scheduled time a port may still be activated.
    uint64 public constant ACTIVATION_WINDOW = 1 days;

    IConsortiumRegistry private immutable CONSORTIUM;

    mapping(bytes32 portId => Port) private _ports;
    mapping(bytes32 portId => string[]) private _numbers;
    mapping(bytes32 numberHash => bytes32 portId) private _openPortOf;

    constructor(IConsortiumRegistry consortium_) {
        if (address(consortium_) == address(0)) revert ZeroAddress();
        CONSORTIUM = consortium_;
    }

    /// @inheritdoc IPortClearing
    function request(
        address losing,
        string[] calldata numbers,
        uint64 concurWindow,
        bytes32 salt
    ) external returns (bytes32 portId) {
        if (!CONSORTIUM.hasRole(msg.sender, Roles.TNSP)) revert NotAProvider(msg.sender);
        address gaining = CONSORTIUM.memberOf(msg.sender);
        if (!CONSORTIUM.hasRole(losing, Roles.TNSP) || CONSORTIUM.memberOf(losing) != losing) {
            revert NotAProvider(losing);
        }
        if (losing == gaining) revert SameProvider(gaining);
        if (numbers.length == 0 || numbers.length > MAX_NUMBERS_PER_PORT) {
            revert BadNumberCount(numbers.length, MAX_NUMBERS_PER_PORT);
        }
        if (concurWindow < MIN_CONCUR_WINDOW || concurWindow > MAX_CONCUR_WINDOW) {
            revert ConcurrenceWindowOutOfRange(concurWindow, MIN_CONCUR_WINDOW, MAX_CONCUR_WINDOW);
        }
        bytes32 digest = keccak256(abi.encode(numbers));
        portId = keccak256(abi.encode(block.chainid, address(this), gaining, losing, digest, salt));
        Port storage p = _ports[portId];
        if (p.state != PortState.None) revert PortIdTaken(portId);
        for (uint256 i = 0; i < numbers.length; i++) {
            _requireE164(numbers[i]);
            bytes32 key = keccak256(bytes(numbers[i]));
            bytes32 open = _openPortOf[key];
            if (open != bytes32(0)) revert NumberInOpenPort(numbers[i], open);
            _openPortOf[key] = portId;
            _numbers[portId].push(numbers[i]);
        }
        p.gaining = gaining;
        p.losing = losing;
        p.state = PortState.Requested;
        p.requestedAt = uint64(block.timestamp);
        p.concurBy = uint64(block.timestamp) + concurWindow;
        p.count = uint32(numbers.length);
        p.numbersDigest = digest;
        emit PortRequested(portId, gaining, losing, p.concurBy, numbers);
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
        _release(portId);
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
        p.state = PortState.Activated;
        p.activatedAt = uint64(block.timestamp);
        _release(portId);
        emit PortActivated(portId, p.gaining, p.losing);
    }

    /// @inheritdoc IPortClearing
    function cancel(bytes32 portId) external {
        Port storage p = _known(portId);
        _requireActsFor(portId, p.gaining);
        PortState s = p.state;
        if (
            s != PortState.Requested && s != PortState.Concurred && s != PortState.Scheduled && s != PortState.Conflict
        ) {
            revert InvalidPortState(portId, s);
        }
        p.state = PortState.Cancelled;
        _release(portId);
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
    function openPortOf(string calldata number) external view returns (bytes32) {
        return _openPortOf[keccak256(bytes(number))];
    }

    /// @inheritdoc IPortClearing
    function version() external pure returns (string memory) {
        return "1.0.0";
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
        bool acts =
            msg.sender == provider ||
                (CONSORTIUM.memberOf(msg.sender) == provider && CONSORTIUM.hasRole(msg.sender, Roles.TNSP));
        if (!acts) revert NotTheProvider(portId, msg.sender, provider);
    }

    function _release(bytes32 portId) private {
        string[] storage numbers = _numbers[portId];
        for (uint256 i = 0; i < numbers.length; i++) {
            delete _openPortOf[keccak256(bytes(numbers[i]))];
        }
    }

    function _requireE164(string calldata number) private pure {
        bytes calldata digits = bytes(number);
        if (digits.length == 0 || digits.length > 15 || digits[0] == "0") revert MalformedNumber(number);
        for (uint256 i = 0; i < digits.length; i++) {
            if (digits[i] < "0" || digits[i] > "9") revert MalformedNumber(number);
        }
    }
}
