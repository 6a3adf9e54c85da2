// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IIotRegistry
/// @notice Who may say what about IoT devices: attestation schemas (ids derived from their content and creator),
/// attesters identified by did:ethr DIDs and vetted by a consortium member holding the TRUST_AUTHORITY role, and
/// device identities (the device DID's address is its key, bound to its OEM, make and model by the device's own
/// signature, optionally with an operator's attestation that the key is held in the SIM, GSMA IoT SAFE style).
/// @dev Attester kinds are bits: 1 OEM, 2 network operator, 4 third party (certifiers, security organisations),
/// 8 peer device. A registered device is a peer attester without vetting: its OEM vouched for it at registration.
/// An attester acts through the current owner of its DID in the ERC-1056 registry, so a rotated key keeps working.
interface IIotRegistry {
    /// @notice A registered schema. `attesterKinds` is the set of kinds whose attestations the schema accepts.
    struct Schema {
        address creator;
        uint8 attesterKinds;
        bool revocable;
        bytes32 definitionHash;
    }

    /// @notice A vetted attester: its kind bit and the trust-authority member account that vetted it.
    struct Attester {
        uint8 kind;
        address vettedBy;
    }

    /// @notice A registered device: its OEM (an attester DID address), its model id and the operator (if any) that
    /// attested its key lives in the SIM.
    struct Device {
        address oem;
        bytes32 modelId;
        address simOperator;
    }

    /// @notice Emitted when a schema is registered; `definition` is its field list, e.g. "bool verifiedBoot,uint8 level".
    event SchemaRegistered(
        bytes32 indexed schemaId,
        address indexed creator,
        string name,
        string definition,
        bool revocable,
        uint8 attesterKinds
    );
    /// @notice Emitted when a trust authority vets an attester DID address for one kind.
    event AttesterVetted(address indexed attester, uint8 kind, address indexed vettedBy);
    /// @notice Emitted when a trust authority withdraws an attester's vetting.
    event AttesterUnvetted(address indexed attester, address indexed by);
    /// @notice Emitted when an OEM registers a device whose key signed the binding.
    event DeviceRegistered(
        address indexed device,
        address indexed oem,
        bytes32 indexed modelId,
        string make,
        string model
    );
    /// @notice Emitted when a network operator attests that the device's key is held in its SIM (IoT SAFE).
    event SimKeyBindingAttested(address indexed device, address indexed operator);

    /// @notice Thrown when the caller holds no TRUST_AUTHORITY role in the consortium registry.
    error NotTrustAuthority(address caller);
    /// @notice Thrown when the caller is not the current owner of `did` in the DID registry.
    error NotDidOwner(address did, address caller, address owner);
    /// @notice Thrown when `kind` is not exactly one of the four attester kind bits.
    error InvalidAttesterKind(uint8 kind);
    /// @notice Thrown when a schema's kind set is empty or has bits beyond the four kinds.
    error InvalidAttesterKinds(uint8 kinds);
    /// @notice Thrown when a schema's name or definition is empty.
    error EmptySchema();
    /// @notice Thrown when the same creator registers the same schema content twice.
    error SchemaExists(bytes32 schemaId);
    /// @notice Thrown when an attester is already vetted.
    error AttesterAlreadyVetted(address attester, uint8 kind);
    /// @notice Thrown when an attester is not vetted (for the kind the action needs, when `kind` is not 0).
    error AttesterNotVetted(address attester, uint8 kind);
    /// @notice Thrown when the device address is zero or the device is already registered.
    error DeviceExists(address device);
    /// @notice Thrown when the device's signature over its binding does not recover the device address.
    error InvalidDeviceSignature(address device);
    /// @notice Thrown when make or model is empty.
    error EmptyMakeOrModel();
    /// @notice Thrown when the device is not registered.
    error UnknownDevice(address device);
    /// @notice Thrown when a zero address is given for a constructor dependency.
    error ZeroDependency();

    /// @notice Registers a schema. Its id is keccak256(abi.encode(msg.sender, name, definition, revocable, kinds)),
    /// so the same content from another creator is another schema and nothing depends on mining order.
    /// @dev Requirements: name and definition non-empty; kinds a non-empty subset of 0x0f; not registered before.
    /// Emits SchemaRegistered.
    function registerSchema(
        string calldata name,
        string calldata definition,
        bool revocable,
        uint8 attesterKinds
    ) external returns (bytes32 schemaId);

    /// @notice Vets `attester` (a did:ethr identity address) as one kind of attester.
    /// @dev Requirements: caller holds TRUST_AUTHORITY in the consortium registry; kind is one bit of 0x0f; the
    /// attester is not vetted already. Emits AttesterVetted.
    function vetAttester(address attester, uint8 kind) external;

    /// @notice Withdraws an attester's vetting; its attestations then fail verification with AttesterNotVetted.
    /// @dev Requirements: caller holds TRUST_AUTHORITY; the attester is vetted. Emits AttesterUnvetted.
    function unvetAttester(address attester) external;

    /// @notice Registers a device under an OEM. The device proves it holds its key by signing (EIP-191)
    /// `deviceBindingDigest(device, oem, modelId)`; the model id is keccak256(abi.encode(oem, make, model)).
    /// @dev Requirements: caller owns `oem`'s DID; `oem` is vetted as an OEM; make and model non-empty; the device
    /// is new; the signature recovers `device`. Emits DeviceRegistered.
    function registerDevice(
        address device,
        address oem,
        string calldata make,
        string calldata model,
        bytes calldata deviceSignature
    ) external returns (bytes32 modelId);

    /// @notice A network operator attests that the device's key is held in a SIM it issued (IoT SAFE).
    /// @dev Requirements: caller owns `operator`'s DID; `operator` is vetted as an operator; the device is registered.
    /// Emits SimKeyBindingAttested.
    function attestSimKeyBinding(address device, address operator) external;

    /// @notice The schema with `schemaId` (creator zero when unknown).
    function schema(bytes32 schemaId) external view returns (Schema memory);

    /// @notice The attester's kind bit: its vetted kind, 8 (peer) for a registered device, 0 when neither.
    function attesterKind(address attester) external view returns (uint8);

    /// @notice The vetting record of an attester (kind 0 when not vetted).
    function attester(address attester) external view returns (Attester memory);

    /// @notice The device record (oem zero when unknown).
    function device(address device) external view returns (Device memory);

    /// @notice The digest a device signs (EIP-191 personal message) to bind its key to an OEM and model.
    function deviceBindingDigest(address device, address oem, bytes32 modelId) external view returns (bytes32);

    /// @notice The schema id `creator` gets for this content.
    function schemaIdOf(
        address creator,
        string calldata name,
        string calldata definition,
        bool revocable,
        uint8 attesterKinds
    ) external pure returns (bytes32);

    /// @notice The model id of an OEM's make and model.
    function modelIdOf(address oem, string calldata make, string calldata model) external pure returns (bytes32);

    /// @notice Owner of `did` in the DID registry (the account that acts for that attester).
    function didOwner(address did) external view returns (address);

    /// @notice The consortium registry whose TRUST_AUTHORITY role vets attesters.
    function consortium() external view returns (address);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
