// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Works as ERC-721 tokens with fingerprint-derived ids, CSP-vetted registrants and ownership shares
// (see IContentRegistry).
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IContentRegistry} from "./IContentRegistry.sol";

contract ContentRegistry is ERC721, IContentRegistry {
    uint16 private constant WHOLE = 10_000;

    uint256 private constant HASH_BITS = 80;
    uint256 private constant ROYALTY_SHIFT = 80;
    uint256 private constant REGISTRANT_SHIFT = 96;

    /// @dev The one slot a registration adds besides the token's owner: who registered the fingerprint, with which
    /// royalty (so the token id can be rebuilt from the fingerprint).
    struct Registration {
        address registrant;
        uint16 royaltyBps;
    }

    /// @dev Shares sold and the version of the owner set, packed in one slot per work.
    struct Owners {
        uint16 sold;
        uint64 version;
    }

    IConsortiumRegistry private immutable CONSORTIUM;
    mapping(bytes32 fingerprint => Registration) private _byFingerprint;
    mapping(uint256 tokenId => Owners) private _owners;
    mapping(uint256 tokenId => mapping(address holder => uint16 bps)) private _shares;

    /// @param consortium_ Registry whose CSP role may register works.
    constructor(IConsortiumRegistry consortium_) ERC721("Consortium content works", "WORK") {
        if (address(consortium_) == address(0)) revert InvalidContentArgument("consortium");
        CONSORTIUM = consortium_;
    }

    modifier onlyVettedRegistrant() {
        if (!CONSORTIUM.hasRole(msg.sender, Roles.CSP)) revert NotVettedRegistrant(msg.sender);
        _;
    }

    /// @inheritdoc IContentRegistry
    function register(
        bytes32 fingerprint,
        uint16 royaltyBps,
        bytes32 metadataHash
    ) external onlyVettedRegistrant returns (uint256 tokenId) {
        if (royaltyBps > WHOLE) revert RoyaltyTooHigh(royaltyBps);
        tokenId = _register(fingerprint, royaltyBps, metadataHash);
    }

    /// @inheritdoc IContentRegistry
    function registerBatch(
        bytes32[] calldata fingerprints,
        uint16 royaltyBps,
        bytes32[] calldata metadataHashes
    ) external onlyVettedRegistrant returns (uint256[] memory tokenIds) {
        if (royaltyBps > WHOLE) revert RoyaltyTooHigh(royaltyBps);
        uint256 count = fingerprints.length;
        if (count == 0) revert InvalidContentArgument("fingerprints");
        if (metadataHashes.length != count) revert InvalidContentArgument("metadataHashes");
        tokenIds = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            tokenIds[i] = _register(fingerprints[i], royaltyBps, metadataHashes[i]);
        }
    }

    /// @inheritdoc IContentRegistry
    function transferShare(uint256 tokenId, address to, uint16 bps) external {
        address holder = _requireOwned(tokenId);
        if (to == address(0)) revert InvalidContentArgument("to");
        if (to == msg.sender) revert InvalidContentArgument("to");
        if (bps == 0) revert InvalidContentArgument("bps");
        Owners storage owners = _owners[tokenId];
        if (msg.sender == holder) {
            uint16 remainder = WHOLE - owners.sold;
            if (bps > remainder) revert ShareTooSmall(tokenId, msg.sender, remainder, bps);
            owners.sold += bps;
            _shares[tokenId][to] += bps;
        } else {
            uint16 held = _shares[tokenId][msg.sender];
            if (bps > held) revert ShareTooSmall(tokenId, msg.sender, held, bps);
            _shares[tokenId][msg.sender] = held - bps;
            if (to == holder) owners.sold -= bps;
            else _shares[tokenId][to] += bps;
        }
        uint64 newVersion = ++owners.version;
        emit ShareTransferred(tokenId, msg.sender, to, bps, newVersion);
    }

    /// @inheritdoc IContentRegistry
    function tokenIdOf(bytes32 fingerprint, address registrant, uint16 royaltyBps) public view returns (uint256) {
        uint256 digest = uint256(keccak256(abi.encode(block.chainid, address(this), fingerprint, registrant)));
        return
            (uint256(uint160(registrant)) << REGISTRANT_SHIFT) |
            (uint256(royaltyBps) << ROYALTY_SHIFT) |
            (digest & ((1 << HASH_BITS) - 1));
    }

    /// @inheritdoc IContentRegistry
    function workOfFingerprint(bytes32 fingerprint) public view returns (uint256) {
        Registration memory registered = _byFingerprint[fingerprint];
        if (registered.registrant == address(0)) return 0;
        return tokenIdOf(fingerprint, registered.registrant, registered.royaltyBps);
    }

    /// @inheritdoc IContentRegistry
    function work(uint256 tokenId) public view returns (address registrant, uint16 royaltyBps) {
        _requireOwned(tokenId);
        registrant = address(uint160(tokenId >> REGISTRANT_SHIFT));
        royaltyBps = uint16(tokenId >> ROYALTY_SHIFT);
    }

    /// @inheritdoc IContentRegistry
    function shareOf(uint256 tokenId, address holder) external view returns (uint16) {
        if (holder == _requireOwned(tokenId)) return WHOLE - _owners[tokenId].sold;
        return _shares[tokenId][holder];
    }

    /// @inheritdoc IContentRegistry
    function sharesSold(uint256 tokenId) external view returns (uint16) {
        _requireOwned(tokenId);
        return _owners[tokenId].sold;
    }

    /// @inheritdoc IContentRegistry
    function shareVersion(uint256 tokenId) external view returns (uint64) {
        _requireOwned(tokenId);
        return _owners[tokenId].version;
    }

    /// @inheritdoc IERC2981
    function royaltyInfo(uint256 tokenId, uint256 salePrice) external view returns (address, uint256) {
        (address registrant, uint16 royaltyBps) = work(tokenId);
        return (registrant, (salePrice * royaltyBps) / WHOLE);
    }

    /// @inheritdoc IContentRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @notice ERC-165: ERC-721 (and its metadata extension), ERC-2981 and ERC-165 itself.
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == type(IERC2981).interfaceId || super.supportsInterface(interfaceId);
    }

    function _register(bytes32 fingerprint, uint16 royaltyBps, bytes32 metadataHash) private returns (uint256 tokenId) {
        if (fingerprint == bytes32(0)) revert InvalidContentArgument("fingerprint");
        if (_byFingerprint[fingerprint].registrant != address(0)) {
            revert FingerprintRegistered(fingerprint, workOfFingerprint(fingerprint));
        }
        _byFingerprint[fingerprint] = Registration({registrant: msg.sender, royaltyBps: royaltyBps});
        tokenId = tokenIdOf(fingerprint, msg.sender, royaltyBps);
        _mint(msg.sender, tokenId);
        emit WorkRegistered(tokenId, msg.sender, fingerprint, royaltyBps, metadataHash);
    }

    /// @dev A token transfer changes who holds the remainder: a share the new holder had joins it, and the owner set
    /// gets a new version (declared royalty splits must be declared again).
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = super._update(to, tokenId, auth);
        if (from == address(0)) return from;
        Owners storage owners = _owners[tokenId];
        uint16 held = _shares[tokenId][to];
        if (held != 0) {
            _shares[tokenId][to] = 0;
            owners.sold -= held;
        }
        ++owners.version;
    }
}
