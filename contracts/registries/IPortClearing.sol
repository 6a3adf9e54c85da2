// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IPortClearing
/// @notice Number-port clearing between TN service providers, with the clearinghouse's states: the gaining provider
/// requests a port of numbers (single numbers or E.164 prefixes for ranges; a bulk port is one request), the losing
/// provider concurs or refuses with a reason before the concurrence deadline, the gaining provider schedules and, at
/// or after the scheduled time and before the activation window closes, activates. The losing provider may put a
/// concurred or scheduled port in conflict (a dispute) and resolve it; the gaining provider may cancel any open port.
/// A number is in at most one open port at a time. Nothing activates without the losing provider's concurrence.
/// @dev Activation records the clearing only; the EIDL number port (`ITnAuthority.port`, custody of the numbers) is
/// executed by the Numbering Authority with this port's id as evidence. Ids derive from content and creator.
interface IPortClearing {
    /// @notice Where a port stands. `None` is never stored for a port that exists.
    enum PortState {
        None,
        Requested,
        Concurred,
        Refused,
        Scheduled,
        Activated,
        Cancelled,
        Conflict
    }

    /// @notice A port as stored.
    struct Port {
        address gaining;
        address losing;
        PortState state;
        uint16 reason;
        uint64 requestedAt;
        uint64 concurBy;
        uint64 activateAt;
        uint64 activatedAt;
        uint32 count;
        bytes32 numbersDigest;
    }

    event PortRequested(
        bytes32 indexed portId,
        address indexed gaining,
        address indexed losing,
        uint64 concurBy,
        string[] numbers
    );
    event PortConcurred(bytes32 indexed portId, address indexed losing);
    event PortRefused(bytes32 indexed portId, address indexed losing, uint16 reason);
    event PortScheduled(bytes32 indexed portId, address indexed gaining, uint64 activateAt);
    event PortActivated(bytes32 indexed portId, address indexed gaining, address indexed losing);
    event PortCancelled(bytes32 indexed portId, address indexed gaining);
    event PortConflict(bytes32 indexed portId, address indexed losing, uint16 reason);
    event PortConflictResolved(bytes32 indexed portId, address indexed losing);

    /// @notice A constructor address is zero.
    error ZeroAddress();
    /// @notice `account` does not act for a member holding TNSP.
    error NotAProvider(address account);
    /// @notice A port between a provider and itself.
    error SameProvider(address provider);
    /// @notice The number list is empty or longer than `max`.
    error BadNumberCount(uint256 count, uint256 max);
    /// @notice `number` is not an E.164 prefix of 1 to 15 digits.
    error MalformedNumber(string number);
    /// @notice `number` is already in open port `portId`.
    error NumberInOpenPort(string number, bytes32 portId);
    /// @notice The concurrence window is outside [min, max] seconds.
    error ConcurrenceWindowOutOfRange(uint64 window, uint64 min, uint64 max);
    /// @notice A port with this id exists: choose another salt.
    error PortIdTaken(bytes32 portId);
    /// @notice No port has this id.
    error UnknownPort(bytes32 portId);
    /// @notice `caller` is not the provider (`expected`) this step belongs to.
    error NotTheProvider(bytes32 portId, address caller, address expected);
    /// @notice The port is in `state`, where this step is not allowed.
    error InvalidPortState(bytes32 portId, PortState state);
    /// @notice The losing provider answers too late: the concurrence deadline `concurBy` passed.
    error ConcurrenceWindowClosed(bytes32 portId, uint64 concurBy);
    /// @notice Activation asked before the scheduled time, or a schedule in the past.
    error NotYetDue(bytes32 portId, uint64 activateAt);
    /// @notice The activation window after `activateAt` closed: schedule again.
    error ActivationWindowClosed(bytes32 portId, uint64 activateAt);

    /// @notice Requests the port of `numbers` (at most MAX_NUMBERS_PER_PORT E.164 numbers or prefixes) from `losing` to
    /// the caller's member (a TNSP). The losing provider must answer within `concurWindow` seconds.
    /// @return portId keccak256(abi.encode(chainid, this, gaining, losing, keccak256(abi.encode(numbers)), salt)).
    function request(
        address losing,
        string[] calldata numbers,
        uint64 concurWindow,
        bytes32 salt
    ) external returns (bytes32 portId);

    /// @notice The losing provider concurs (Requested -> Concurred), before the concurrence deadline.
    function concur(bytes32 portId) external;

    /// @notice The losing provider refuses with `reason` (Requested -> Refused); the numbers are free again.
    function refuse(bytes32 portId, uint16 reason) external;

    /// @notice The gaining provider schedules activation at `activateAt` (not in the past): Concurred -> Scheduled.
    function schedule(bytes32 portId, uint64 activateAt) external;

    /// @notice The gaining provider activates (Scheduled -> Activated) at or after `activateAt`, within
    /// ACTIVATION_WINDOW. Only once; never without concurrence.
    function activate(bytes32 portId) external;

    /// @notice The gaining provider cancels an open port (Requested, Concurred, Scheduled or Conflict).
    function cancel(bytes32 portId) external;

    /// @notice The losing provider disputes a concurred or scheduled port with `reason` (-> Conflict).
    function conflict(bytes32 portId, uint16 reason) external;

    /// @notice The losing provider resolves its dispute (Conflict -> Concurred); the gaining provider schedules again.
    function resolveConflict(bytes32 portId) external;

    /// @notice Port `portId`; reverts UnknownPort when there is none.
    function portOf(bytes32 portId) external view returns (Port memory);

    /// @notice The open port holding `number`, or zero.
    function openPortOf(string calldata number) external view returns (bytes32);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
